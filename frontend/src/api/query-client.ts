import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './http';

export const SESSION_QUERY_KEY = ['session'] as const;

function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!isApiError(error)) return failureCount < 2;
  // Client errors and Meta-specific answers will not change by retrying immediately.
  if (error.status > 0 && error.status < 500) return false;
  if (error.code === 'META_RATE_LIMITED' || error.code === 'META_UNAVAILABLE') return false;
  // Asked again after its Retry-After by the query itself (e.g. the Marketing Hub report's refetchInterval).
  if (error.code === 'REPORT_PREPARING') return false;
  return failureCount < 2;
}

/**
 * One client for the app. A 401 from any request (the session expired or was revoked) drops the cached
 * session, which makes the auth guard send the user back to /login.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.queryKey[0] === SESSION_QUERY_KEY[0]) return;
        if (isApiError(error) && error.status === 401) expireSession(client);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (mutation.options.meta?.['skipSessionExpiry'] === true) return;
        if (isApiError(error) && error.status === 401) expireSession(client);
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return client;
}

function expireSession(client: QueryClient): void {
  client.setQueryData(SESSION_QUERY_KEY, null);
}
