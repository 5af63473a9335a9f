import { afterEach, expect, vi } from 'vitest';

/**
 * The network boundary for component tests: `fetch` answers from a route table, and every request is recorded.
 * A request no route matches fails the test (after it), so a page cannot silently call something unexpected.
 * (No msw: the app has one fetch call site, `api/http.ts`, and a 60-line table covers it, pending answers included.)
 */
export type StubRequest = { method: string; path: string; query: URLSearchParams; body: unknown };
export type StubAnswer = Response | Promise<Response>;
export type StubHandler = (request: StubRequest) => StubAnswer;
export type StubRoutes = Record<string, StubHandler | object | unknown[]>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The gateway's error body: `{ statusCode, code, message }`. */
export function apiError(status: number, code: string, message = code): Response {
  return json({ statusCode: status, code, message }, status);
}

/** An answer that never arrives: the page stays in its loading state. */
export function pending(): Promise<Response> {
  return new Promise<Response>(() => undefined);
}

export type FetchStub = {
  requests: StubRequest[];
  /** Requests to `METHOD /path` so far. */
  calls: (route: string) => StubRequest[];
  /** Replace or add routes mid-test. */
  use: (routes: StubRoutes) => void;
};

let unmatched: string[] = [];

afterEach(() => {
  const missed = unmatched;
  unmatched = [];
  expect(missed, 'requests with no stubbed route').toEqual([]);
});

/** Routes are `'GET /crm/leads'`: the method and the path without its query string. */
export function stubFetch(routes: StubRoutes = {}): FetchStub {
  const table = new Map<string, StubRoutes[string]>(Object.entries(routes));
  const requests: StubRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input), 'http://localhost');
      const method = (init?.method ?? 'GET').toUpperCase();
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const request: StubRequest = { method, path: url.pathname, query: url.searchParams, body };
      requests.push(request);
      const route = `${method} ${url.pathname}`;
      const entry = table.get(route);
      if (entry === undefined) {
        unmatched.push(route);
        return apiError(599, 'UNKNOWN', `no stubbed route for ${route}`);
      }
      return typeof entry === 'function' ? (entry as StubHandler)(request) : json(entry);
    }),
  );
  return {
    requests,
    calls: (route) => requests.filter((request) => `${request.method} ${request.path}` === route),
    use: (more) => {
      for (const [route, entry] of Object.entries(more)) table.set(route, entry);
    },
  };
}
