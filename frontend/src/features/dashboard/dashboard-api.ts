import type { CrmDashboard } from '@crm/contracts/browser';
import { useQuery } from '@tanstack/react-query';
import { http } from '../../api/http';

export const dashboardKeys = { all: ['dashboard'] as const };

export function fetchDashboard(signal?: AbortSignal): Promise<CrmDashboard> {
  return http<CrmDashboard>('/crm/dashboard', { signal });
}

/** The caller's dashboard (crm-service scopes a setter's or closer's numbers to their own). */
export function useDashboard() {
  return useQuery({ queryKey: dashboardKeys.all, queryFn: ({ signal }) => fetchDashboard(signal) });
}
