import { addDays, localDate } from '../dataset/calendar';
import type {
  SandboxAd,
  SandboxAdAccount,
  SandboxAdSet,
  SandboxBusiness,
  SandboxCampaign,
} from '../dataset/dataset.types';
import { requireScope } from '../http/access-token';
import { selectFields, type FieldResolvers } from '../http/field-selection';
import { graphErrors } from '../http/graph-error';
import { meterCall } from '../http/rate-limit';
import { listParam } from '../http/request-params';
import type { SandboxState } from '../state/sandbox-state';
import { page, requestedFields, requestedSubfields, type GraphContext } from './graph-context';

const ADS_SCOPES = ['ads_read', 'ads_management'];

const accountOf = (state: SandboxState, accountId: string): SandboxAdAccount => {
  const account = state.dataset.adAccounts.find((a) => a.accountId === accountId);
  if (!account) throw graphErrors.unknownObject(`act_${accountId}`);
  return account;
};

const businessRef = (state: SandboxState, id: string): { id: string; name: string } => ({
  id,
  name: state.dataset.businesses.find((b) => b.id === id)?.name ?? '',
});

/** A day offset ("N days ago") as a datetime in the account's timezone. */
const daysAgoTime = (state: SandboxState, account: SandboxAdAccount, daysAgo: number): string => {
  const today = localDate(state.options.now(), account.timezoneName);
  const offset = account.timezoneOffsetHoursUtc;
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.abs(offset)).padStart(2, '0');
  return `${addDays(today, -daysAgo)}T09:00:00${sign}${hh}00`;
};

export const campaignEffectiveStatus = (campaign: SandboxCampaign): string => campaign.status;

export const adSetEffectiveStatus = (state: SandboxState, adSet: SandboxAdSet): string => {
  const campaign = state.dataset.campaigns.find((c) => c.id === adSet.campaignId);
  if (campaign?.status === 'PAUSED') return 'CAMPAIGN_PAUSED';
  return adSet.status;
};

export const adEffectiveStatus = (state: SandboxState, ad: SandboxAd): string => {
  const campaign = state.dataset.campaigns.find((c) => c.id === ad.campaignId);
  const adSet = state.dataset.adSets.find((s) => s.id === ad.adsetId);
  if (campaign?.status === 'PAUSED') return 'CAMPAIGN_PAUSED';
  if (adSet?.status === 'PAUSED') return 'ADSET_PAUSED';
  return ad.status;
};

export const businessFields = (state: SandboxState): FieldResolvers<SandboxBusiness> => ({
  id: (b) => b.id,
  name: (b) => b.name,
  created_time: (b) => b.createdTime,
  updated_time: (b) => b.createdTime,
  verification_status: (b) => b.verificationStatus,
  vertical: (b) => b.vertical,
  timezone_id: (b) => b.timezoneId,
  link: (b) => `https://business.facebook.com/settings/?business_id=${b.id}`,
  profile_picture_uri: () => undefined,
  two_factor_type: () => 'none',
  primary_page: (b) => {
    const pageNode = state.dataset.pages.find((p) => p.id === b.primaryPageId);
    return pageNode ? { id: pageNode.id, name: pageNode.name } : undefined;
  },
});

export const adAccountFields = (state: SandboxState): FieldResolvers<SandboxAdAccount> => ({
  id: (a) => `act_${a.accountId}`,
  account_id: (a) => a.accountId,
  name: (a) => a.name,
  currency: (a) => a.currency,
  timezone_name: (a) => a.timezoneName,
  timezone_id: (a) => a.timezoneId,
  timezone_offset_hours_utc: (a) => a.timezoneOffsetHoursUtc,
  account_status: (a) => a.accountStatus,
  disable_reason: (a) => a.disableReason,
  amount_spent: () => '0',
  balance: () => '0',
  spend_cap: (a) => a.spendCap,
  min_daily_budget: (a) => (a.currency === 'USD' ? 100 : 2000),
  business: (a) => businessRef(state, a.ownerBusinessId),
  business_name: (a) => businessRef(state, a.ownerBusinessId).name,
  owner: (a) => a.ownerBusinessId,
  created_time: (a) => a.createdTime,
  is_personal: () => 0,
  is_prepay_account: () => false,
  user_tasks: () => ['DRAFT', 'ANALYZE', 'ADVERTISE', 'MANAGE'],
});

export const campaignFields = (state: SandboxState): FieldResolvers<SandboxCampaign> => ({
  id: (c) => c.id,
  name: (c) => c.name,
  account_id: (c) => c.accountId,
  objective: (c) => c.objective,
  status: (c) => c.status,
  configured_status: (c) => c.status,
  effective_status: (c) => campaignEffectiveStatus(c),
  daily_budget: (c) => c.dailyBudget,
  lifetime_budget: () => '0',
  budget_remaining: (c) => c.dailyBudget,
  bid_strategy: () => 'LOWEST_COST_WITHOUT_CAP',
  buying_type: () => 'AUCTION',
  special_ad_categories: () => [],
  start_time: (c) => daysAgoTime(state, accountOf(state, c.accountId), c.startDaysAgo),
  stop_time: (c) =>
    c.stopDaysAgo !== undefined
      ? daysAgoTime(state, accountOf(state, c.accountId), c.stopDaysAgo)
      : undefined,
  created_time: (c) => daysAgoTime(state, accountOf(state, c.accountId), c.startDaysAgo + 1),
  updated_time: (c) => daysAgoTime(state, accountOf(state, c.accountId), c.stopDaysAgo ?? c.startDaysAgo),
  is_message_campaign: (c) => c.objective === 'OUTCOME_ENGAGEMENT',
});

export const adSetFields = (state: SandboxState): FieldResolvers<SandboxAdSet> => ({
  id: (s) => s.id,
  name: (s) => s.name,
  account_id: (s) => s.accountId,
  campaign_id: (s) => s.campaignId,
  campaign: (s) => ({ id: s.campaignId }),
  status: (s) => s.status,
  configured_status: (s) => s.status,
  effective_status: (s) => adSetEffectiveStatus(state, s),
  daily_budget: (s) => s.dailyBudget,
  lifetime_budget: () => '0',
  budget_remaining: () => '0',
  optimization_goal: (s) => s.optimizationGoal,
  billing_event: (s) => s.billingEvent,
  bid_strategy: () => 'LOWEST_COST_WITHOUT_CAP',
  destination_type: (s) => s.destinationType,
  promoted_object: (s) =>
    s.destinationType === 'WHATSAPP'
      ? { page_id: state.dataset.pages[0].id, whatsapp_phone_number: state.dataset.phoneNumbers[0].digits }
      : { page_id: state.dataset.pages[0].id },
  targeting: () => ({
    age_min: 25,
    age_max: 55,
    geo_locations: { countries: ['MX'], location_types: ['home', 'recent'] },
  }),
  created_time: (s) => s.createdTime,
  updated_time: (s) => s.createdTime,
  start_time: (s) => s.createdTime,
});

const creativeImage = (ad: SandboxAd): string =>
  `https://scontent.xx.fbcdn.net/v/sandbox/${ad.creativeId}.jpg`;

/** An ad's AdCreative node (Marketing API): `creative` alone is `{id}`, `creative{…}` selects these fields. */
export const adCreativeFields = (): FieldResolvers<SandboxAd> => ({
  id: (a) => a.creativeId,
  name: (a) => `${a.name} · creative`,
  account_id: (a) => a.accountId,
  status: () => 'ACTIVE',
  object_type: () => 'SHARE',
  title: (a) => a.headline,
  body: (a) => a.body,
  image_url: (a) => creativeImage(a),
  thumbnail_url: (a) => `${creativeImage(a)}?stp=dst-emg0_p64x64&_nc_sid=sandbox`,
  call_to_action_type: (a) => (a.kind === 'click_to_whatsapp' ? 'WHATSAPP_MESSAGE' : 'SIGN_UP'),
});

export const adFields = (state: SandboxState, creativeFields?: string[]): FieldResolvers<SandboxAd> => ({
  id: (a) => a.id,
  name: (a) => a.name,
  account_id: (a) => a.accountId,
  adset_id: (a) => a.adsetId,
  campaign_id: (a) => a.campaignId,
  adset: (a) => ({ id: a.adsetId }),
  campaign: (a) => ({ id: a.campaignId }),
  status: (a) => a.status,
  configured_status: (a) => a.status,
  effective_status: (a) => adEffectiveStatus(state, a),
  creative: (a) => selectFields(a, creativeFields, ['id'], adCreativeFields(), 'AdCreative'),
  created_time: (a) => a.createdTime,
  updated_time: (a) => a.createdTime,
  preview_shareable_link: (a) => `https://fb.me/sbx${a.id.slice(-8)}`,
});

const filterByEffectiveStatus = <T>(ctx: GraphContext, items: T[], status: (item: T) => string): T[] => {
  const wanted = listParam(ctx.req, 'effective_status');
  return wanted ? items.filter((item) => wanted.includes(status(item))) : items;
};

const meterAds = (ctx: GraphContext, accountId: string): void =>
  meterCall(ctx.state, ctx.res, { buc: 'ads_management', ownerId: accountId, adAccountId: accountId });

export const listBusinesses = (ctx: GraphContext): unknown => {
  requireScope(ctx.token, 'business_management');
  const fields = requestedFields(ctx);
  return page(
    ctx,
    ctx.state.dataset.businesses.map((b) =>
      selectFields(b, fields, ['id', 'name'], businessFields(ctx.state), 'Business'),
    ),
  );
};

export const listAdAccounts = (ctx: GraphContext, accounts: SandboxAdAccount[]): unknown => {
  requireScope(ctx.token, ...ADS_SCOPES);
  const fields = requestedFields(ctx);
  const owner = accounts[0]?.ownerBusinessId ?? ctx.state.dataset.businesses[0].id;
  meterCall(ctx.state, ctx.res, { buc: 'ads_management', ownerId: owner });
  return page(
    ctx,
    accounts.map((a) =>
      selectFields(a, fields, ['account_id', 'id'], adAccountFields(ctx.state), 'AdAccount'),
    ),
  );
};

export const readAdObject = (
  ctx: GraphContext,
  node:
    | { kind: 'adAccount'; value: SandboxAdAccount }
    | { kind: 'campaign'; value: SandboxCampaign }
    | { kind: 'adSet'; value: SandboxAdSet }
    | { kind: 'ad'; value: SandboxAd },
): Record<string, unknown> => {
  requireScope(ctx.token, ...ADS_SCOPES);
  const fields = requestedFields(ctx);
  const { state } = ctx;
  meterAds(ctx, node.value.accountId);
  switch (node.kind) {
    case 'adAccount':
      return selectFields(node.value, fields, ['account_id', 'id'], adAccountFields(state), 'AdAccount');
    case 'campaign':
      return selectFields(node.value, fields, ['id'], campaignFields(state), 'Campaign');
    case 'adSet':
      return selectFields(node.value, fields, ['id'], adSetFields(state), 'AdSet');
    case 'ad':
      return selectFields(
        node.value,
        fields,
        ['id'],
        adFields(state, requestedSubfields(ctx, 'creative')),
        'Ad',
      );
  }
};

export type AdScope = { accountId: string; campaignId?: string; adsetId?: string };

export const listCampaigns = (ctx: GraphContext, scope: AdScope): unknown => {
  requireScope(ctx.token, ...ADS_SCOPES);
  meterAds(ctx, scope.accountId);
  const fields = requestedFields(ctx);
  const items = ctx.state.dataset.campaigns.filter((c) => c.accountId === scope.accountId);
  return page(
    ctx,
    filterByEffectiveStatus(ctx, items, campaignEffectiveStatus).map((c) =>
      selectFields(c, fields, ['id'], campaignFields(ctx.state), 'Campaign'),
    ),
  );
};

export const listAdSets = (ctx: GraphContext, scope: AdScope): unknown => {
  requireScope(ctx.token, ...ADS_SCOPES);
  meterAds(ctx, scope.accountId);
  const fields = requestedFields(ctx);
  const items = ctx.state.dataset.adSets.filter(
    (s) => s.accountId === scope.accountId && (!scope.campaignId || s.campaignId === scope.campaignId),
  );
  return page(
    ctx,
    filterByEffectiveStatus(ctx, items, (s) => adSetEffectiveStatus(ctx.state, s)).map((s) =>
      selectFields(s, fields, ['id'], adSetFields(ctx.state), 'AdSet'),
    ),
  );
};

export const listAdsIn = (ctx: GraphContext, scope: AdScope): unknown => {
  requireScope(ctx.token, ...ADS_SCOPES);
  meterAds(ctx, scope.accountId);
  const fields = requestedFields(ctx);
  const items = ctx.state.dataset.ads.filter(
    (a) =>
      a.accountId === scope.accountId &&
      (!scope.campaignId || a.campaignId === scope.campaignId) &&
      (!scope.adsetId || a.adsetId === scope.adsetId),
  );
  return page(
    ctx,
    filterByEffectiveStatus(ctx, items, (a) => adEffectiveStatus(ctx.state, a)).map((a) =>
      selectFields(a, fields, ['id'], adFields(ctx.state, requestedSubfields(ctx, 'creative')), 'Ad'),
    ),
  );
};
