import type {
  AdAccountOption,
  ConnectionStatus,
  LeadAdsPageOption,
  LeadAdsPageView,
  PhoneNumberOption,
  PortfolioOption,
  MarketingReport,
  RangePreset,
  ReportView,
  StatsReport,
} from '@crm/contracts/browser';
import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { buildUrl, http, isApiError, retryAfterSeconds } from '../../api/http';

export type ReportQuery = { preset: RangePreset; since?: string; until?: string };
export type AssetSelection = {
  businessId: string;
  adAccountId: string;
  wabaId: string;
  phoneNumberId: string;
};

export const marketingKeys = {
  all: ['marketing'] as const,
  tokenStatus: ['marketing', 'token-status'] as const,
  portfolios: ['marketing', 'portfolios'] as const,
  adAccounts: (businessId: string) => ['marketing', 'ad-accounts', businessId] as const,
  phoneNumbers: (businessId: string) => ['marketing', 'phone-numbers', businessId] as const,
  leadAdsPages: ['marketing', 'lead-ads-pages'] as const,
  stats: (query: ReportQuery) => ['marketing', 'stats', query] as const,
  report: (query: ReportQuery, view: ReportView) => ['marketing', 'report', query, view] as const,
};

/** Errors meaning the stored connection is no longer usable: the banner must be refreshed. */
function refreshConnectionOn(error: unknown, queryClient: QueryClient): void {
  if (isApiError(error) && (error.code === 'META_NOT_CONNECTED' || error.code === 'META_TOKEN_EXPIRED')) {
    void queryClient.invalidateQueries({ queryKey: marketingKeys.tokenStatus });
  }
}

export function useTokenStatus() {
  return useQuery({
    queryKey: marketingKeys.tokenStatus,
    queryFn: ({ signal }) => http<ConnectionStatus>('/crm/marketing/token-status', { signal }),
  });
}

/** Asks the gateway for the Meta consent dialog URL and sends the browser there. */
export function useConnectMeta() {
  return useMutation({
    mutationFn: () => http<{ url: string }>('/crm/auth/meta/url'),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

export function useDisconnectMeta() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => http<ConnectionStatus>('/crm/auth/meta/disconnect', { method: 'POST' }),
    onSuccess: (status) => {
      queryClient.setQueryData(marketingKeys.tokenStatus, status);
      queryClient.removeQueries({
        predicate: (query) => query.queryKey[0] === 'marketing' && query.queryKey[1] !== 'token-status',
      });
    },
  });
}

export function usePortfolios(enabled: boolean) {
  return useQuery({
    queryKey: marketingKeys.portfolios,
    queryFn: ({ signal }) => http<PortfolioOption[]>('/crm/marketing/meta-portfolios', { signal }),
    enabled,
  });
}

export function useAdAccounts(businessId: string | null) {
  return useQuery({
    queryKey: marketingKeys.adAccounts(businessId ?? ''),
    queryFn: ({ signal }) =>
      http<AdAccountOption[]>('/crm/marketing/meta-accounts', { query: { businessId }, signal }),
    enabled: businessId !== null,
  });
}

export function usePhoneNumbers(businessId: string | null) {
  return useQuery({
    queryKey: marketingKeys.phoneNumbers(businessId ?? ''),
    queryFn: ({ signal }) =>
      http<PhoneNumberOption[]>('/crm/marketing/meta-phone-numbers', { query: { businessId }, signal }),
    enabled: businessId !== null,
  });
}

export function useConnectAssets() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (selection: AssetSelection) =>
      http<ConnectionStatus>('/crm/marketing/connect', { method: 'POST', body: selection }),
    onSuccess: (status) => {
      queryClient.setQueryData(marketingKeys.tokenStatus, status);
      void queryClient.invalidateQueries({ queryKey: ['marketing', 'stats'] });
      void queryClient.invalidateQueries({ queryKey: ['marketing', 'report'] });
    },
    onError: (error) => refreshConnectionOn(error, queryClient),
  });
}

/** The Facebook Pages the connected user manages, and which this account chose (the wizard's Page step). */
export function useLeadAdsPages(enabled: boolean) {
  return useQuery({
    queryKey: marketingKeys.leadAdsPages,
    queryFn: ({ signal }) => http<LeadAdsPageOption[]>('/crm/marketing/lead-ads/pages', { signal }),
    enabled,
  });
}

/** The Pages whose Lead Ads leads come to this account (the whole choice). */
export function useSelectLeadAdsPages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (pageIds: string[]) =>
      http<LeadAdsPageView[]>('/crm/marketing/lead-ads/pages', { method: 'PUT', body: { pageIds } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: marketingKeys.leadAdsPages }),
    onError: (error) => refreshConnectionOn(error, queryClient),
  });
}

function reportParams(query: ReportQuery) {
  return query.preset === 'custom'
    ? { preset: query.preset, since: query.since, until: query.until }
    : { preset: query.preset };
}

export function useStatsReport(query: ReportQuery, enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: marketingKeys.stats(query),
    queryFn: async ({ signal }) => {
      try {
        return await http<StatsReport>('/crm/marketing/stats', { query: reportParams(query), signal });
      } catch (error) {
        refreshConnectionOn(error, queryClient);
        throw error;
      }
    },
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** The Marketing Hub's one report of a range and view: KPIs, campaigns → ads, daily series, funnel, money. */
export function useMarketingReport(query: ReportQuery, view: ReportView, enabled = true) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: marketingKeys.report(query, view),
    queryFn: async ({ signal }) => {
      try {
        return await http<MarketingReport>('/crm/marketing/report', {
          query: { ...reportParams(query), view },
          signal,
        });
      } catch (error) {
        refreshConnectionOn(error, queryClient);
        throw error;
      }
    },
    enabled,
    placeholderData: keepPreviousData,
    // The reports are still being prepared (503 REPORT_PREPARING): ask again after the server's Retry-After.
    refetchInterval: (query) => {
      const error = query.state.error;
      if (!isApiError(error) || error.code !== 'REPORT_PREPARING') return false;
      return (retryAfterSeconds(error) ?? 5) * 1000;
    },
  });
}

/** Where the browser downloads the same report as CSV (the gateway answers it as an attachment). */
export function reportCsvHref(query: ReportQuery, view: ReportView): string {
  return buildUrl('/crm/marketing/stats/export.csv', { ...reportParams(query), view });
}
