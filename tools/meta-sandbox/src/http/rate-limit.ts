import type { Response } from 'express';
import type { SandboxState } from '../state/sandbox-state';
import { graphErrors, type GraphError } from './graph-error';

export type BusinessUseCase =
  'ads_management' | 'ads_insights' | 'whatsapp_business_management' | 'whatsapp_messaging' | 'leadgen';

export type UsageScope = {
  buc: BusinessUseCase;
  /** key of the x-business-use-case-usage object: ad account id (no prefix), WABA id or page id */
  ownerId: string;
  /** numeric ad account id for x-ad-account-usage */
  adAccountId?: string;
};

const REGAIN_MINUTES = 5;

const record = (state: SandboxState, key: string): number => {
  const now = state.now();
  const windowStart = now - state.options.usageWindowMs;
  const calls = (state.usage.get(key) ?? []).filter((t) => t > windowStart);
  calls.push(now);
  state.usage.set(key, calls);
  return calls.length;
};

const percent = (state: SandboxState, calls: number): number =>
  Math.min(99, Math.ceil((calls * 100) / state.options.usageQuotaPerWindow));

const isThrottled = (state: SandboxState, buc: BusinessUseCase): boolean => {
  if (buc === 'ads_insights') return state.throttle.insights;
  if (buc === 'ads_management' || buc === 'leadgen') return state.throttle.ads;
  return state.throttle.whatsapp;
};

const throttleError = (state: SandboxState, buc: BusinessUseCase): GraphError => {
  const code = state.throttle.code;
  if (buc === 'whatsapp_messaging') return graphErrors.whatsappThroughput();
  if (code === 4) return graphErrors.appLimit();
  if (code === 17) return graphErrors.userLimit();
  if (buc === 'whatsapp_business_management') return graphErrors.whatsappManagementLimit();
  if (buc === 'ads_insights')
    return code === 80004 ? graphErrors.adsManagementLimit() : graphErrors.insightsLimit();
  return code === 80000 ? graphErrors.insightsLimit() : graphErrors.adsManagementLimit();
};

/**
 * Count one call against the app, the ad account and the business use case; set `x-app-usage`, `x-ad-account-usage`,
 * `x-business-use-case-usage` (and `x-fb-ads-insights-throttle` for insights); throw the throttling error when the
 * control API enabled throttling for this use case.
 */
export const meterCall = (state: SandboxState, res: Response, scope: UsageScope): void => {
  const throttled = isThrottled(state, scope.buc);
  const appPct = throttled && state.throttle.code === 4 ? 100 : percent(state, record(state, 'app'));
  const bucPct = throttled ? 100 : percent(state, record(state, `${scope.buc}:${scope.ownerId}`));
  res.setHeader(
    'x-app-usage',
    JSON.stringify({
      call_count: appPct,
      total_time: Math.ceil(appPct / 2),
      total_cputime: Math.ceil(appPct / 3),
    }),
  );
  const isAds = scope.buc === 'ads_management' || scope.buc === 'ads_insights';
  const bucEntry: Record<string, unknown> = {
    type: scope.buc,
    call_count: bucPct,
    total_cputime: Math.ceil(bucPct / 2),
    total_time: Math.ceil(bucPct / 2),
    estimated_time_to_regain_access: throttled ? REGAIN_MINUTES : 0,
  };
  if (isAds) bucEntry.ads_api_access_tier = 'standard_access';
  res.setHeader('x-business-use-case-usage', JSON.stringify({ [scope.ownerId]: [bucEntry] }));
  if (scope.adAccountId) {
    const accPct = throttled ? 100 : percent(state, record(state, `account:${scope.adAccountId}`));
    res.setHeader(
      'x-ad-account-usage',
      JSON.stringify({
        acc_id_util_pct: accPct,
        reset_time_duration: throttled ? REGAIN_MINUTES * 60 : 0,
        ads_api_access_tier: 'standard_access',
      }),
    );
    if (scope.buc === 'ads_insights') {
      res.setHeader(
        'x-fb-ads-insights-throttle',
        JSON.stringify({
          app_id_util_pct: appPct,
          acc_id_util_pct: accPct,
          ads_api_access_tier: 'standard_access',
        }),
      );
    }
  }
  if (throttled) throw throttleError(state, scope.buc);
};
