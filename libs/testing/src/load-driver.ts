import { readFileSync } from 'node:fs';
import type { Role } from '@crm/contracts';

/**
 * The load proof's driver (issue 9): virtual users, each with its own session, loop over the screens their role
 * can open, making exactly the API calls the frontend makes for each, with a think time between steps. Used by
 * bench/load.bench.ts (200 users, 60 s) and by the integration spec (a few users, a few seconds).
 */
export type LoadScreen = 'dashboard' | 'leads' | 'marketing' | 'hsmLog';
export const LOAD_SCREENS: readonly LoadScreen[] = ['dashboard', 'leads', 'marketing', 'hsmLog'];

/** The screens of the sidebar each role can open (frontend MODULE_ROLES: marketing ceo/professional, HSM ceo). */
const SCREENS_BY_ROLE: Record<Role, readonly LoadScreen[]> = {
  ceo: LOAD_SCREENS,
  professional: ['dashboard', 'leads', 'marketing'],
  setter: ['dashboard', 'leads'],
  closer: ['dashboard', 'leads'],
};

export type LoadUser = {
  email: string;
  password: string;
  role: Role;
  /** The address the user's requests come from (`X-Forwarded-For`; the gateway runs with `TRUST_PROXY=loopback`). */
  clientIp: string;
};

export type LoadOptions = {
  /** The gateway, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  users: readonly LoadUser[];
  durationMs: number;
  /** A random think time in [min, max] ms after every step (reading the screen before the next click). */
  thinkMs: readonly [number, number];
  /** Terms typed into the leads search box. */
  searchTerms: readonly string[];
  /** Service name → pid: VmRSS sampled every `rssIntervalMs` for the whole run (max kept). */
  pids: Record<string, number>;
  rssIntervalMs?: number;
  /** Login attempts in flight at once (a login is a bcrypt compare in crm-service). */
  loginConcurrency?: number;
};

export type LoadError = { endpoint: string; status: number | 'network'; detail: string };

/** A timed request: when it started (wall clock, to line it up with the services' and PostgreSQL's logs). */
export type SlowRequest = { endpoint: string; ms: number; startedAt: string };

/** The slowest requests a run keeps (a burst of them at one moment points at a stall, not at a slow endpoint). */
const SLOWEST_KEPT = 15;

export type LoadResult = {
  /** Latencies in ms by endpoint name (e.g. `GET /crm/leads (search)`). */
  latencies: Map<string, number[]>;
  errors: LoadError[];
  /** Screens opened, by screen. */
  screens: Record<LoadScreen, number>;
  requests: number;
  /** Highest VmRSS seen per service, in MB. */
  maxRssMb: Record<string, number>;
  /** How long the logins took before the run (not part of the measured window). */
  loginMs: number;
  durationMs: number;
  /** The run's slowest requests, slowest first. */
  slowest: SlowRequest[];
};

/** VmRSS of a process in MB (Linux). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

type Session = { user: LoadUser; cookie: string };

const LEAD_PAGE_SIZE = 20; // frontend/src/features/leads/leads-page.tsx
const LOG_PAGE_SIZE = 25; // frontend/src/features/automation/automation-log.tsx
const LEAD_FILTERS: readonly Record<string, string>[] = [
  { status: 'calificado' },
  { source: 'META_ADS' },
  { tag: 'vip' },
  { sort: 'name' },
];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first day of the funnels panel's default period (last 30 days, from local midnight), as the page sends it. */
function funnelsFrom(): string {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - 29);
  return start.toISOString();
}

class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors: LoadError[] = [];
  readonly slowest: SlowRequest[] = [];
  requests = 0;
  /** Off during the warm-up: its latencies (first reads, cold caches) are not the product's steady state. */
  recording = true;

  record(endpoint: string, ms: number): void {
    if (!this.recording) return;
    const list = this.latencies.get(endpoint) ?? [];
    list.push(ms);
    this.latencies.set(endpoint, list);
    if (this.slowest.length === SLOWEST_KEPT && ms <= this.slowest[SLOWEST_KEPT - 1].ms) return;
    this.slowest.push({ endpoint, ms, startedAt: new Date(Date.now() - ms).toISOString() });
    this.slowest.sort((a, b) => b.ms - a.ms);
    this.slowest.length = Math.min(this.slowest.length, SLOWEST_KEPT);
  }

  fail(error: LoadError): void {
    this.errors.push(error);
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

/** Sign in as the browser does; answers the session cookie(s) to send back. */
export async function loginSession(baseUrl: string, user: LoadUser): Promise<string> {
  const response = await fetch(`${baseUrl}/crm/auth/login`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Origin: baseUrl,
      'Sec-Fetch-Site': 'same-origin',
      'X-Forwarded-For': user.clientIp,
    },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (response.status !== 200) {
    throw new Error(`login of ${user.email}: HTTP ${response.status} ${await response.text()}`);
  }
  await response.arrayBuffer();
  const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]);
  if (cookies.length === 0) throw new Error(`login of ${user.email}: no session cookie`);
  return cookies.join('; ');
}

/** One virtual user's HTTP calls: each timed under `endpoint`, any non-2xx or network error counted. */
class Browser {
  constructor(
    private readonly baseUrl: string,
    private readonly session: Session,
    private readonly recorder: Recorder,
  ) {}

  private headers(): Record<string, string> {
    return {
      Cookie: this.session.cookie,
      'X-Forwarded-For': this.session.user.clientIp,
      Accept: 'application/json',
    };
  }

  /** GET `path` and parse its JSON; undefined when it failed (the failure is recorded). */
  async get<T>(endpoint: string, path: string): Promise<T | undefined> {
    if (this.recorder.recording) this.recorder.requests++;
    const t0 = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, { headers: this.headers() });
      const text = await response.text();
      const ms = performance.now() - t0;
      if (response.status < 200 || response.status >= 300) {
        this.recorder.fail({ endpoint, status: response.status, detail: text.slice(0, 200) });
        return undefined;
      }
      this.recorder.record(endpoint, ms);
      return JSON.parse(text) as T;
    } catch (error) {
      this.recorder.fail({ endpoint, status: 'network', detail: String(error) });
      return undefined;
    }
  }

  /**
   * The HSM page's EventSource: resolves once `event: ready` arrived (timed as the endpoint), answers a close
   * function (the page keeps the stream open while it is shown).
   */
  async openLive(endpoint: string, path: string): Promise<() => void> {
    if (this.recorder.recording) this.recorder.requests++;
    const controller = new AbortController();
    const close = () => controller.abort();
    const t0 = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        headers: { ...this.headers(), Accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (response.status !== 200 || !response.body) {
        this.recorder.fail({
          endpoint,
          status: response.status,
          detail: (await response.text()).slice(0, 200),
        });
        return close;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let received = '';
      while (!received.includes('event: ready')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended before `ready`');
        received += decoder.decode(value, { stream: true });
      }
      this.recorder.record(endpoint, performance.now() - t0);
      // Keep reading (and dropping) what the stream sends until the page closes it.
      void (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // aborted: the user left the page
        }
      })();
    } catch (error) {
      if (!controller.signal.aborted)
        this.recorder.fail({ endpoint, status: 'network', detail: String(error) });
    }
    return close;
  }
}

type LeadPageBody = { items: unknown[]; nextCursor?: string | null };

/** One screen: its first load, then what the user does on it; each followed by a think time. */
async function visit(
  screen: LoadScreen,
  browser: Browser,
  role: Role,
  options: LoadOptions,
  think: () => Promise<void>,
): Promise<void> {
  const seesMarketing = role === 'ceo' || role === 'professional';
  switch (screen) {
    case 'dashboard': {
      // dashboard-page.tsx; the marketing card (marketing roles) reads the connection, then last 30 days' stats.
      await Promise.all([
        browser.get('GET /crm/dashboard', '/crm/dashboard'),
        seesMarketing
          ? browser
              .get('GET /crm/marketing/token-status', '/crm/marketing/token-status')
              .then(() => browser.get('GET /crm/marketing/stats', `/crm/marketing/stats?preset=last_30d`))
          : undefined,
      ]);
      await think();
      return;
    }
    case 'leads': {
      // leads-page.tsx: the first page (it counts the total) and, for those who may pick a seller, the users.
      const [first] = await Promise.all([
        browser.get<LeadPageBody>(
          'GET /crm/leads (first page)',
          `/crm/leads?${query({ pageSize: LEAD_PAGE_SIZE })}`,
        ),
        seesMarketing ? browser.get('GET /crm/users', '/crm/users') : undefined,
      ]);
      await think();
      const action = Math.floor(Math.random() * 3);
      if (action === 0 && first?.nextCursor) {
        await browser.get(
          'GET /crm/leads (next page)',
          `/crm/leads?${query({ pageSize: LEAD_PAGE_SIZE, cursor: first.nextCursor })}`,
        );
      } else if (action === 1) {
        await browser.get(
          'GET /crm/leads (search)',
          `/crm/leads?${query({ pageSize: LEAD_PAGE_SIZE, search: pick(options.searchTerms) })}`,
        );
      } else {
        await browser.get(
          'GET /crm/leads (filter)',
          `/crm/leads?${query({ pageSize: LEAD_PAGE_SIZE, ...pick(LEAD_FILTERS) })}`,
        );
      }
      await think();
      return;
    }
    case 'marketing': {
      // marketing-page.tsx → marketing-dashboard.tsx: the connection, the report (last 30 days, period view) and
      // the exchange rates; then the user switches to the cohort view.
      await browser.get('GET /crm/marketing/token-status', '/crm/marketing/token-status');
      await Promise.all([
        browser.get(
          'GET /crm/marketing/report (period)',
          '/crm/marketing/report?preset=last_30d&view=period',
        ),
        browser.get('GET /crm/marketing/fx-rates', '/crm/marketing/fx-rates'),
      ]);
      await think();
      await browser.get(
        'GET /crm/marketing/report (cohort)',
        '/crm/marketing/report?preset=last_30d&view=cohort',
      );
      await think();
      return;
    }
    case 'hsmLog': {
      // automation-page.tsx: the rules, the template details and the live stream on mount; the funnels (last 30 days,
      // 7-day conversions) and the log's first page once the stream is ready (live-stream.tsx: the server has
      // subscribed, so nothing sent in between is missed), each read once. A refused stream is read without `ready`,
      // as the page does; its 2 s fallback for a stream that never gets ready is not driven here.
      const funnels = `/crm/marketing/automation/metrics/funnels?${query({ conversionDays: 7, from: funnelsFrom() })}`;
      const logs = `/crm/marketing/automation-logs?${query({ page: 1, pageSize: LOG_PAGE_SIZE })}`;
      const [close] = await Promise.all([
        browser
          .openLive('SSE /crm/marketing/automation/live (ready)', '/crm/marketing/automation/live')
          .then(async (closeStream) => {
            await Promise.all([
              browser.get('GET /crm/marketing/automation/metrics/funnels', funnels),
              browser.get('GET /crm/marketing/automation-logs', logs),
            ]);
            return closeStream;
          }),
        browser.get('GET /crm/marketing/automation/rules', '/crm/marketing/automation/rules'),
        browser.get(
          'GET /crm/marketing/automation/templates/details',
          '/crm/marketing/automation/templates/details',
        ),
      ]);
      try {
        await think();
      } finally {
        close();
      }
      return;
    }
  }
}

/** Sign every user in, then run them all for `durationMs`, sampling each service's RSS; answers what was seen. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const recorder = new Recorder();
  const screens = Object.fromEntries(LOAD_SCREENS.map((s) => [s, 0])) as Record<LoadScreen, number>;
  const loginStarted = performance.now();
  const sessions: Session[] = [];
  let nextLogin = 0;
  await Promise.all(
    Array.from({ length: options.loginConcurrency ?? 8 }, async () => {
      while (nextLogin < options.users.length) {
        const user = options.users[nextLogin++];
        sessions.push({ user, cookie: await loginSession(options.baseUrl, user) });
      }
    }),
  );
  const loginMs = performance.now() - loginStarted;

  // Warm-up, not timed (errors still count): one ceo opens every screen once, so the first report of each view
  // and the first reads of each service are not in the run (the report's cold path has its own benchmark).
  const warm = sessions.find((session) => session.user.role === 'ceo');
  if (warm) {
    recorder.recording = false;
    const browser = new Browser(options.baseUrl, warm, recorder);
    for (const screen of LOAD_SCREENS) await visit(screen, browser, 'ceo', options, async () => {});
    recorder.recording = true;
  }

  const maxRssMb: Record<string, number> = {};
  const sampleRss = () => {
    for (const [name, pid] of Object.entries(options.pids)) {
      maxRssMb[name] = Math.max(maxRssMb[name] ?? 0, rssMb(pid));
    }
  };
  sampleRss();
  const sampler = setInterval(sampleRss, options.rssIntervalMs ?? 500);

  const [minThink, maxThink] = options.thinkMs;
  const started = performance.now();
  const deadline = started + options.durationMs;
  // No think time once the run is over: a user finishes the step they are in and stops.
  const think = async () => {
    if (performance.now() < deadline) await sleep(minThink + Math.random() * (maxThink - minThink));
  };
  try {
    await Promise.all(
      sessions.map(async (session, i) => {
        const browser = new Browser(options.baseUrl, session, recorder);
        const allowed = SCREENS_BY_ROLE[session.user.role];
        // Users do not all click in the same instant: each starts within the first think time.
        await sleep((i / sessions.length) * maxThink);
        while (performance.now() < deadline) {
          const screen = pick(allowed);
          screens[screen]++;
          await visit(screen, browser, session.user.role, options, think);
        }
      }),
    );
  } finally {
    clearInterval(sampler);
    sampleRss();
  }
  return {
    latencies: recorder.latencies,
    errors: recorder.errors,
    screens,
    requests: recorder.requests,
    maxRssMb,
    loginMs,
    durationMs: performance.now() - started,
    slowest: recorder.slowest,
  };
}
