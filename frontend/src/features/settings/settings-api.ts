import type {
  Currency,
  Locale,
  ProtectionSettingsView,
  Role,
  SendWindow,
  TenantView,
  UserView,
} from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';
import { SESSION_QUERY_KEY } from '../../api/query-client';

export const settingsKeys = {
  tenant: ['settings', 'tenant'] as const,
  users: ['settings', 'users'] as const,
  protection: ['settings', 'protection'] as const,
};

export type TenantChanges = {
  name?: string;
  timezone?: string;
  currency?: Currency;
  locale?: Locale;
  optOutKeywords?: string[];
  optOutButtonTexts?: string[];
};
/** `phone` in any common writing; the API stores it in E.164 (400 when it is not a phone). */
export type NewUser = { name: string; email: string; role: Role; password: string; phone?: string };
/** `phone: null` removes the user's phone. */
export type UserChanges = { role?: Role; active?: boolean; phone?: string | null };

export function useTenant() {
  return useQuery({
    queryKey: settingsKeys.tenant,
    queryFn: ({ signal }) => http<TenantView>('/crm/tenant', { signal }),
  });
}

/** `PATCH /crm/tenant`; the session is read again so the header and every format follow at once. */
export function useUpdateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: TenantChanges) =>
      http<TenantView>('/crm/tenant', { method: 'PATCH', body: changes }),
    onSuccess: (tenant) => {
      queryClient.setQueryData(settingsKeys.tenant, tenant);
      void queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
    },
  });
}

/** `GET /crm/users` (ceo and professional); `enabled: false` for roles that may not list users. */
export function useUsers(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: settingsKeys.users,
    queryFn: ({ signal }) => http<UserView[]>('/crm/users', { signal }),
    enabled: options.enabled ?? true,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (user: NewUser) => http<UserView>('/crm/users', { method: 'POST', body: user }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: settingsKeys.users }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: UserChanges }) =>
      http<UserView>(`/crm/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes }),
    onSuccess: (updated) => {
      queryClient.setQueryData<UserView[]>(settingsKeys.users, (users) =>
        users?.map((user) => (user.id === updated.id ? updated : user)),
      );
      // Sellers, assignees and the sellers overview list users too.
      void queryClient.invalidateQueries({ queryKey: ['sellers'] });
    },
  });
}

export type ProtectionChanges = {
  marketingPerContact?: number;
  capHours?: number;
  /** null: back to the service's default window. */
  sendWindow?: SendWindow | null;
};

const PROTECTION_PATH = '/crm/marketing/automation/protection';

/** `GET /crm/marketing/automation/protection`: the marketing frequency cap and the tenant's default send window. */
export function useProtection() {
  return useQuery({
    queryKey: settingsKeys.protection,
    queryFn: ({ signal }) => http<ProtectionSettingsView>(PROTECTION_PATH, { signal }),
  });
}

export function useUpdateProtection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: ProtectionChanges) =>
      http<ProtectionSettingsView>(PROTECTION_PATH, { method: 'PATCH', body: changes }),
    onSuccess: (saved) => queryClient.setQueryData(settingsKeys.protection, saved),
  });
}
