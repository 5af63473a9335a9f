import type {
  LeadFormCrmField,
  LeadFormView,
  LeadgenBackfillState,
  LeadgenBackfillView,
} from '@crm/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { http, isApiError } from '../../api/http';

const BASE = '/crm/marketing/lead-ads';

/** A backfill Meta is being read for (or about to be): the list is re-read every few seconds. */
export const BACKFILL_POLL_MS = 3000;
/** A backfill waiting for Meta or a reconnect: re-read now and then, not every few seconds. */
export const BACKFILL_WAITING_POLL_MS = 30_000;

/** What `POST /crm/marketing/lead-ads/backfills` takes: one form, leads created in `[since, until)`. */
export type BackfillRequest = { formId: string; since: string; until: string };

export const leadAdsKeys = {
  forms: ['marketing', 'lead-ads', 'forms'] as const,
  backfills: ['marketing', 'lead-ads', 'backfills'] as const,
};

/** A failure of Meta (or of the wait for it): shown with `MetaErrorNotice`, anything else with the generic panel. */
export function isMetaFailure(error: unknown): boolean {
  return isApiError(error) && (error.code.startsWith('META_') || error.code === 'UPSTREAM_TIMEOUT');
}

/** How often the backfill list is re-read: fast while one runs, slowly while one waits, never once all ended. */
export function backfillPollMs(jobs: readonly LeadgenBackfillView[] | undefined): number | false {
  const states = new Set<LeadgenBackfillState>((jobs ?? []).map((job) => job.state));
  if (states.has('queued') || states.has('running')) return BACKFILL_POLL_MS;
  if (states.has('waiting')) return BACKFILL_WAITING_POLL_MS;
  return false;
}

/** The synced Lead Ads forms of the chosen Pages, with their questions and mapping. */
export function useLeadForms(enabled: boolean) {
  return useQuery({
    queryKey: leadAdsKeys.forms,
    queryFn: ({ signal }) => http<LeadFormView[]>(`${BASE}/forms`, { signal }),
    enabled,
  });
}

/** Reads the chosen Pages' forms from Meta again (`refresh=true`) and replaces the list. */
export function useSyncLeadForms() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http<LeadFormView[]>(`${BASE}/forms`, { query: { refresh: true } }),
    onSuccess: (forms) => queryClient.setQueryData(leadAdsKeys.forms, forms),
  });
}

/** Saves a form's whole mapping (question key → CRM field; questions left out follow their default). */
export function useUpdateLeadFormMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ formId, mapping }: { formId: string; mapping: Record<string, LeadFormCrmField> }) =>
      http<LeadFormView>(`${BASE}/forms/${encodeURIComponent(formId)}/mapping`, {
        method: 'PUT',
        body: { mapping },
      }),
    onSuccess: (form) =>
      queryClient.setQueryData<LeadFormView[]>(leadAdsKeys.forms, (forms) =>
        forms?.map((current) => (current.id === form.id ? form : current)),
      ),
  });
}

/** The latest backfills with their progress, re-read while one is still going. */
export function useLeadgenBackfills(enabled: boolean) {
  return useQuery({
    queryKey: leadAdsKeys.backfills,
    queryFn: ({ signal }) => http<LeadgenBackfillView[]>(`${BASE}/backfills`, { signal }),
    enabled,
    refetchInterval: (query) => backfillPollMs(query.state.data),
  });
}

/** Starts a backfill (ceo only); the new job heads the list at once. */
export function useStartLeadgenBackfill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: BackfillRequest) =>
      http<LeadgenBackfillView>(`${BASE}/backfills`, { method: 'POST', body: request }),
    onSuccess: (job) => {
      queryClient.setQueryData<LeadgenBackfillView[]>(leadAdsKeys.backfills, (jobs) => [
        job,
        ...(jobs ?? []).filter((current) => current.id !== job.id),
      ]);
      void queryClient.invalidateQueries({ queryKey: leadAdsKeys.backfills });
    },
  });
}
