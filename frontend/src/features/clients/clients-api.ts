import type { ClientView, Page } from '@crm/contracts/browser';
import { useQuery } from '@tanstack/react-query';
import { http } from '../../api/http';

export const CLIENTS_PAGE_SIZE = 25;

export type ClientsQuery = { page: number; search?: string };

export const clientKeys = {
  list: (query: ClientsQuery) => ['clients', 'list', query] as const,
};

export function useClients(query: ClientsQuery) {
  return useQuery({
    queryKey: clientKeys.list(query),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ page: String(query.page), pageSize: String(CLIENTS_PAGE_SIZE) });
      if (query.search) params.set('search', query.search);
      return http<Page<ClientView>>(`/crm/clients?${params.toString()}`, { signal });
    },
  });
}
