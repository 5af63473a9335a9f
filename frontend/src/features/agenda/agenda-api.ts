import type { Agenda } from '@crm/contracts/browser';
import { useQuery } from '@tanstack/react-query';
import { http } from '../../api/http';

export const agendaKeys = {
  range: (from: string, to: string) => ['agenda', from, to] as const,
};

/** Pending deadlines in `[from, to)` (instants). */
export function useAgenda(from: string, to: string) {
  return useQuery({
    queryKey: agendaKeys.range(from, to),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ from, to });
      return http<Agenda>(`/crm/agenda?${params.toString()}`, { signal });
    },
  });
}
