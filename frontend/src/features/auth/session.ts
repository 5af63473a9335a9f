import { MODULE_ROLES, type ActiveSession, type Role, type SessionUser } from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http, isApiError } from '../../api/http';
import { SESSION_QUERY_KEY } from '../../api/query-client';

export type AppModule = keyof typeof MODULE_ROLES;
export type Credentials = { email: string; password: string };

export function canUse(module: AppModule, role: Role): boolean {
  return (MODULE_ROLES[module] as readonly Role[]).includes(role);
}

async function fetchSession(): Promise<SessionUser | null> {
  try {
    return await http<SessionUser>('/crm/auth/me');
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

/** The signed-in user, `null` when there is no valid session. */
export function useSession() {
  return useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: fetchSession,
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      http<SessionUser>('/crm/auth/login', { method: 'POST', body: credentials }),
    meta: { skipSessionExpiry: true },
    onSuccess: (user) => {
      queryClient.clear();
      queryClient.setQueryData(SESSION_QUERY_KEY, user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http<void>('/crm/auth/logout', { method: 'POST' }),
    meta: { skipSessionExpiry: true },
    // Dropping the session makes the guard redirect; the next login clears every other cached query.
    onSettled: () => queryClient.setQueryData(SESSION_QUERY_KEY, null),
  });
}

/** Ends every session of the user (this one too): other browsers get 401 within seconds. */
export function useLogoutEverywhere() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http<void>('/crm/auth/logout-everywhere', { method: 'POST' }),
    meta: { skipSessionExpiry: true },
    onSuccess: () => queryClient.setQueryData(SESSION_QUERY_KEY, null),
  });
}

export const ACTIVE_SESSIONS_QUERY_KEY = ['auth', 'sessions'] as const;

/** The signed-in user's live sessions (this one marked `current`), most recently used first. */
export function useActiveSessions() {
  return useQuery({
    queryKey: ACTIVE_SESSIONS_QUERY_KEY,
    queryFn: ({ signal }) => http<ActiveSession[]>('/crm/auth/sessions', { signal }),
  });
}

/** Ends one of the user's sessions (another browser gets 401 within seconds); ending this one signs out here. */
export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (session: ActiveSession) =>
      http<void>(`/crm/auth/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' }),
    onSuccess: (_, session) => {
      if (session.current) queryClient.setQueryData(SESSION_QUERY_KEY, null);
      else void queryClient.invalidateQueries({ queryKey: ACTIVE_SESSIONS_QUERY_KEY });
    },
  });
}
