import type { LeadImportMapping, LeadImportUpload, LeadImportView } from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http } from '../../api/http';
import { leadKeys } from '../leads/leads-api';

export const leadImportKeys = {
  all: ['lead-imports'] as const,
  detail: (id: string) => ['lead-imports', id] as const,
};

/** How often a running import's progress is read. */
export const PROGRESS_POLL_MS = 1000;

export function uploadLeadCsv(file: File): Promise<LeadImportUpload> {
  return http<LeadImportUpload>('/crm/leads/imports', {
    method: 'POST',
    query: { fileName: file.name },
    body: file,
    contentType: 'text/csv',
  });
}

export function useUploadLeadCsv() {
  return useMutation({ mutationFn: uploadLeadCsv });
}

export function useStartLeadImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, mapping }: { id: string; mapping: LeadImportMapping }) =>
      http<LeadImportView>(`/crm/leads/imports/${encodeURIComponent(id)}/start`, {
        method: 'POST',
        body: { mapping },
      }),
    onSuccess: (view) => queryClient.setQueryData(leadImportKeys.detail(view.id), view),
  });
}

/** The import, re-read every second while it runs; the lead list is refreshed once it is done. */
export function useLeadImport(id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: leadImportKeys.detail(id ?? ''),
    queryFn: async ({ signal }) => {
      const view = await http<LeadImportView>(`/crm/leads/imports/${encodeURIComponent(id ?? '')}`, {
        signal,
      });
      if (view.status === 'done') void queryClient.invalidateQueries({ queryKey: leadKeys.all });
      return view;
    },
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? PROGRESS_POLL_MS : false),
  });
}

export function rejectsUrl(id: string, language: string): string {
  const lang = language.startsWith('en') ? 'en' : 'es';
  return `/crm/leads/imports/${encodeURIComponent(id)}/rejects.csv?lang=${lang}`;
}
