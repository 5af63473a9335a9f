import { addDays, eachDay, localDate, maxDate, minDate } from '../dataset/calendar';
import { dailyMetrics } from '../dataset/daily-metrics';
import type { SandboxAd, SandboxAdAccount, SandboxCampaign } from '../dataset/dataset.types';
import { requireScope } from '../http/access-token';
import { parseFields } from '../http/field-selection';
import { graphErrors } from '../http/graph-error';
import { meterCall } from '../http/rate-limit';
import { param } from '../http/request-params';
import type { SandboxState } from '../state/sandbox-state';
import { adEffectiveStatus } from './ads-nodes';
import { parseTimeIncrement, resolveDateRange, splitPeriods, type DateRange } from './date-ranges';
import { page, type GraphContext } from './graph-context';

export type InsightsLevel = 'account' | 'campaign' | 'adset' | 'ad';
const LEVELS: InsightsLevel[] = ['account', 'campaign', 'adset', 'ad'];

/** What an insights edge is about: a whole ad account or one campaign / ad set / ad in it. */
export type InsightsSubject = {
  account: SandboxAdAccount;
  campaignId?: string;
  adsetId?: string;
  adId?: string;
  level: InsightsLevel;
};

type Aggregate = {
  account: SandboxAdAccount;
  ad: SandboxAd;
  campaign: SandboxCampaign;
  adsetName: string;
  spendMinor: number;
  impressions: number;
  clicks: number;
  reachSum: number;
  reachMax: number;
  days: Set<string>;
  ads: Set<string>;
  actions: Map<string, number>;
};

type Row = Aggregate & { period: DateRange };

const fmt = (value: number): string => String(Number(value.toFixed(6)));

const money = (minor: number): number => minor / 100;

/** Reach is not additive: de-duplicate across days and ads (deterministically), never above impressions. */
const reachOf = (row: Row): number => {
  const dedup = 1 + 0.02 * (row.days.size - 1) + 0.05 * (row.ads.size - 1);
  return Math.min(row.impressions, Math.max(row.reachMax, Math.round(row.reachSum / dedup)));
};

const actionList = (
  row: Row,
  value: (count: number) => string,
): { action_type: string; value: string }[] | undefined => {
  const entries = [...row.actions.entries()]
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  return entries.length
    ? entries.map(([action_type, count]) => ({ action_type, value: value(count) }))
    : undefined;
};

type RowResolver = (row: Row, level: InsightsLevel) => unknown;

const atLeast = (level: InsightsLevel, min: InsightsLevel): boolean =>
  LEVELS.indexOf(level) >= LEVELS.indexOf(min);

/** Supported AdsInsights fields (all values strings, as Meta sends them). */
const ROW_FIELDS: Record<string, RowResolver> = {
  account_id: (r) => r.account.accountId,
  account_name: (r) => r.account.name,
  account_currency: (r) => r.account.currency,
  campaign_id: (r, l) => (atLeast(l, 'campaign') ? r.campaign.id : undefined),
  campaign_name: (r, l) => (atLeast(l, 'campaign') ? r.campaign.name : undefined),
  adset_id: (r, l) => (atLeast(l, 'adset') ? r.ad.adsetId : undefined),
  adset_name: (r, l) => (atLeast(l, 'adset') ? r.adsetName : undefined),
  ad_id: (r, l) => (atLeast(l, 'ad') ? r.ad.id : undefined),
  ad_name: (r, l) => (atLeast(l, 'ad') ? r.ad.name : undefined),
  objective: (r, l) => (atLeast(l, 'campaign') ? r.campaign.objective : undefined),
  optimization_goal: (r, l) =>
    atLeast(l, 'adset') ? (r.ad.kind === 'lead_form' ? 'LEAD_GENERATION' : 'CONVERSATIONS') : undefined,
  buying_type: () => 'AUCTION',
  spend: (r) => money(r.spendMinor).toFixed(2),
  impressions: (r) => String(r.impressions),
  clicks: (r) => String(r.clicks),
  reach: (r) => String(reachOf(r)),
  frequency: (r) => fmt(r.impressions / Math.max(1, reachOf(r))),
  ctr: (r) => fmt((r.clicks / r.impressions) * 100),
  cpc: (r) => (r.clicks > 0 ? fmt(money(r.spendMinor) / r.clicks) : undefined),
  cpm: (r) => fmt((money(r.spendMinor) / r.impressions) * 1000),
  cpp: (r) => fmt((money(r.spendMinor) / Math.max(1, reachOf(r))) * 1000),
  inline_link_clicks: (r) => String(r.actions.get('link_click') ?? 0),
  inline_link_click_ctr: (r) => fmt(((r.actions.get('link_click') ?? 0) / r.impressions) * 100),
  cost_per_inline_link_click: (r) => {
    const links = r.actions.get('link_click') ?? 0;
    return links > 0 ? fmt(money(r.spendMinor) / links) : undefined;
  },
  actions: (r) => actionList(r, (count) => String(count)),
  cost_per_action_type: (r) => actionList(r, (count) => fmt(money(r.spendMinor) / count)),
};

export const SUPPORTED_INSIGHTS_FIELDS = [...Object.keys(ROW_FIELDS), 'date_start', 'date_stop'];

const DEFAULT_FIELDS: Record<InsightsLevel, string[]> = {
  account: ['account_id', 'impressions', 'spend'],
  campaign: ['campaign_id', 'impressions', 'spend'],
  adset: ['adset_id', 'impressions', 'spend'],
  ad: ['ad_id', 'impressions', 'spend'],
};

const groupKey = (ad: SandboxAd, level: InsightsLevel): string =>
  level === 'account'
    ? ad.accountId
    : level === 'campaign'
      ? ad.campaignId
      : level === 'adset'
        ? ad.adsetId
        : ad.id;

type IdFilter = { field: string; operator: string; value: unknown };

const parseFiltering = (raw: string | undefined): IdFilter[] => {
  if (raw === undefined || raw === '') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) throw new Error('not an array');
    return parsed as IdFilter[];
  } catch {
    throw graphErrors.invalidParameter('(#100) filtering must be an array of {field, operator, value}');
  }
};

const matchesFilter = (state: SandboxState, ad: SandboxAd, filter: IdFilter): boolean => {
  const values = Array.isArray(filter.value) ? filter.value.map(String) : [String(filter.value)];
  const actual: Record<string, string> = {
    'campaign.id': ad.campaignId,
    'adset.id': ad.adsetId,
    'ad.id': ad.id,
    'ad.effective_status': adEffectiveStatus(state, ad),
  };
  const value = actual[filter.field];
  if (value === undefined) return true;
  const inList = values.includes(value);
  switch (filter.operator) {
    case 'IN':
    case 'EQUAL':
      return inList;
    case 'NOT_IN':
    case 'NOT_EQUAL':
      return !inList;
    default:
      return true;
  }
};

/**
 * The days an ad delivered within `rangeDays` (every day of the range, oldest first): from its campaign start to its
 * stop (paused campaigns), within the history window.
 */
const activeDays = (
  state: SandboxState,
  campaign: SandboxCampaign,
  today: string,
  rangeDays: readonly string[],
): readonly string[] => {
  const earliest = addDays(today, -(state.dataset.insightsHistoryDays - 1));
  const start = maxDate(addDays(today, -campaign.startDaysAgo), earliest);
  const stop = minDate(
    campaign.stopDaysAgo !== undefined ? addDays(today, -campaign.stopDaysAgo) : today,
    today,
  );
  if (start <= (rangeDays[0] ?? '') && stop >= (rangeDays[rangeDays.length - 1] ?? '')) return rangeDays;
  return rangeDays.filter((day) => day >= start && day <= stop);
};

/** Answers kept per sandbox state: the pages of one request are cut from one computation, as Meta does. */
const COMPUTED_LIMIT = 32;
const computed = new WeakMap<SandboxState, Map<string, { rows: Row[]; range: DateRange }>>();

/**
 * Compute insights rows for a subject (pure: same state, clock and params → same rows, so the last answers are
 * kept and the next page of a large account is not computed again).
 */
export const computeInsights = (
  state: SandboxState,
  subject: InsightsSubject,
  params: { datePreset?: string; timeRange?: string; timeIncrement?: string; filtering?: string },
): { rows: Row[]; range: DateRange } => {
  const today = localDate(state.options.now(), subject.account.timezoneName);
  const key = JSON.stringify([
    subject.account.accountId,
    subject.campaignId,
    subject.adsetId,
    subject.adId,
    subject.level,
    params.datePreset,
    params.timeRange,
    params.timeIncrement,
    params.filtering,
    today,
  ]);
  let answers = computed.get(state);
  if (!answers) {
    answers = new Map();
    computed.set(state, answers);
  }
  const kept = answers.get(key);
  if (kept) return kept;
  const answer = computeInsightsNow(state, subject, params, today);
  if (answers.size >= COMPUTED_LIMIT) answers.delete(answers.keys().next().value!);
  answers.set(key, answer);
  return answer;
};

const computeInsightsNow = (
  state: SandboxState,
  subject: InsightsSubject,
  params: { datePreset?: string; timeRange?: string; timeIncrement?: string; filtering?: string },
  today: string,
): { rows: Row[]; range: DateRange } => {
  const { account } = subject;
  const earliest = addDays(today, -(state.dataset.insightsHistoryDays - 1));
  const range = resolveDateRange(params.datePreset, params.timeRange, today, earliest);
  const periods = splitPeriods(range, parseTimeIncrement(params.timeIncrement));
  const filters = parseFiltering(params.filtering);
  const ads = state.dataset.ads.filter(
    (ad) =>
      ad.accountId === account.accountId &&
      (!subject.campaignId || ad.campaignId === subject.campaignId) &&
      (!subject.adsetId || ad.adsetId === subject.adsetId) &&
      (!subject.adId || ad.id === subject.adId) &&
      filters.every((f) => matchesFilter(state, ad, f)),
  );
  // Each ad's active days once for the whole range, each day then added to its period's group (one pass, however
  // fine the time increment).
  const campaigns = new Map(state.dataset.campaigns.map((c) => [c.id, c]));
  const adsetNames = new Map(state.dataset.adSets.map((s) => [s.id, s.name]));
  const rangeDays = eachDay(range.since, range.until);
  const periodOfDay = new Map<string, number>();
  periods.forEach((period, index) => {
    for (const day of eachDay(period.since, period.until)) periodOfDay.set(day, index);
  });
  const groupsOfPeriod = periods.map(() => new Map<string, Row>());
  for (const ad of ads) {
    const campaign = campaigns.get(ad.campaignId);
    if (!campaign) continue;
    const key = groupKey(ad, subject.level);
    for (const day of activeDays(state, campaign, today, rangeDays)) {
      const metrics = dailyMetrics(ad, account.currency, day);
      if (!metrics) continue;
      const index = periodOfDay.get(day);
      if (index === undefined) continue;
      const groups = groupsOfPeriod[index];
      let row = groups.get(key);
      if (!row) {
        row = {
          account,
          ad,
          campaign,
          adsetName: adsetNames.get(ad.adsetId) ?? '',
          period: periods[index],
          spendMinor: 0,
          impressions: 0,
          clicks: 0,
          reachSum: 0,
          reachMax: 0,
          days: new Set(),
          ads: new Set(),
          actions: new Map(),
        };
        groups.set(key, row);
      }
      row.spendMinor += metrics.spendMinor;
      row.impressions += metrics.impressions;
      row.clicks += metrics.clicks;
      row.reachSum += metrics.reach;
      row.reachMax = Math.max(row.reachMax, metrics.reach);
      row.days.add(day);
      row.ads.add(ad.id);
      for (const [type, count] of Object.entries(metrics.actions))
        row.actions.set(type, (row.actions.get(type) ?? 0) + count);
    }
  }
  const rows: Row[] = [];
  for (const groups of groupsOfPeriod) {
    const periodRows = [...groups.entries()]
      .filter(([, row]) => row.spendMinor > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, row]) => row);
    rows.push(...periodRows);
  }
  return { rows, range };
};

/** Project rows onto the requested fields; `date_start`/`date_stop` always present. */
export const serializeInsights = (
  rows: Row[],
  level: InsightsLevel,
  fields: string[] | undefined,
): Record<string, unknown>[] => {
  const wanted = fields ?? DEFAULT_FIELDS[level];
  for (const field of wanted) {
    if (!ROW_FIELDS[field] && field !== 'date_start' && field !== 'date_stop') {
      throw graphErrors.invalidParameter(
        `(#100) ${field} is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values`,
      );
    }
  }
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const field of wanted) {
      const resolver = ROW_FIELDS[field];
      if (!resolver) continue;
      const value = resolver(row, level);
      if (value !== undefined) out[field] = value;
    }
    out.date_start = row.period.since;
    out.date_stop = row.period.until;
    return out;
  });
};

/** What an insights request asks for (query or form / JSON body), as parsed from it. */
export type InsightsQuery = {
  level: InsightsLevel;
  fields: string[] | undefined;
  datePreset?: string;
  timeRange?: string;
  timeIncrement?: string;
  filtering?: string;
};

/** Scope, metering and the parameters of an insights request, validated as Meta does (errors thrown). */
export const readInsightsQuery = (
  ctx: GraphContext,
  subject: Omit<InsightsSubject, 'level'> & { defaultLevel: InsightsLevel },
): InsightsQuery => {
  requireScope(ctx.token, 'ads_read', 'ads_management');
  const { req } = ctx;
  meterCall(ctx.state, ctx.res, {
    buc: 'ads_insights',
    ownerId: subject.account.accountId,
    adAccountId: subject.account.accountId,
  });
  const levelRaw = param(req, 'level') ?? subject.defaultLevel;
  if (!LEVELS.includes(levelRaw as InsightsLevel)) {
    throw graphErrors.invalidParameter(`(#100) param level must be one of {${LEVELS.join(', ')}}`);
  }
  const breakdowns = param(req, 'breakdowns');
  if (breakdowns)
    throw graphErrors.invalidParameter(
      `(#100) breakdowns are not supported by the Meta sandbox: ${breakdowns}`,
    );
  const level = levelRaw as InsightsLevel;
  const fields = parseFields(param(req, 'fields'));
  serializeInsights([], level, fields);
  return {
    level,
    fields,
    datePreset: param(req, 'date_preset'),
    timeRange: param(req, 'time_range'),
    timeIncrement: param(req, 'time_increment'),
    filtering: param(req, 'filtering'),
  };
};

/** The rows of an insights query, serialized. */
export const runInsightsQuery = (
  state: SandboxState,
  subject: Omit<InsightsSubject, 'level'>,
  query: InsightsQuery,
): { rows: Record<string, unknown>[]; range: DateRange } => {
  const { rows, range } = computeInsights(state, { ...subject, level: query.level }, query);
  return { rows: serializeInsights(rows, query.level, query.fields), range };
};

/** `GET /act_{id}/insights`, `/{campaign}/insights`, `/{adset}/insights`, `/{ad}/insights`. */
export const insightsEdge = (
  ctx: GraphContext,
  subject: Omit<InsightsSubject, 'level'> & { defaultLevel: InsightsLevel },
): unknown => {
  const query = readInsightsQuery(ctx, subject);
  if (ctx.state.asyncInsights.syncTooMuchData) throw graphErrors.tooMuchData();
  return page(ctx, runInsightsQuery(ctx.state, subject, query).rows);
};
