import { metaUtcDateTime } from '../dataset/calendar';
import type { SandboxLeadForm, SandboxPage } from '../dataset/dataset.types';
import { hasScope, requireScope } from '../http/access-token';
import { selectFields, type FieldResolvers } from '../http/field-selection';
import { graphErrors } from '../http/graph-error';
import { meterCall } from '../http/rate-limit';
import { param } from '../http/request-params';
import { mintToken } from '../oauth/token-service';
import type { LeadRecord, SandboxState, TokenRecord } from '../state/sandbox-state';
import { page, requestedFields, type GraphContext } from './graph-context';

/** Lead fields; ad/ad set/campaign fields only for tokens with `ads_management` (Meta omits them otherwise). */
export const leadFields = (state: SandboxState, token: TokenRecord): FieldResolvers<LeadRecord> => {
  const adOf = (lead: LeadRecord) =>
    lead.adId ? state.dataset.ads.find((a) => a.id === lead.adId) : undefined;
  const withAds = hasScope(token, 'ads_management');
  const adField = (pick: (lead: LeadRecord) => string | undefined) => (lead: LeadRecord) =>
    withAds ? pick(lead) : undefined;
  return {
    id: (l) => l.id,
    created_time: (l) => metaUtcDateTime(new Date(l.createdAt)),
    form_id: (l) => l.formId,
    field_data: (l) => l.fieldData,
    is_organic: (l) => l.isOrganic,
    platform: () => 'fb',
    custom_disclaimer_responses: () => [],
    partner_name: () => undefined,
    ad_id: adField((l) => adOf(l)?.id),
    ad_name: adField((l) => adOf(l)?.name),
    adset_id: adField((l) => adOf(l)?.adsetId),
    adset_name: adField((l) => {
      const ad = adOf(l);
      return ad ? state.dataset.adSets.find((s) => s.id === ad.adsetId)?.name : undefined;
    }),
    campaign_id: adField((l) => adOf(l)?.campaignId),
    campaign_name: adField((l) => {
      const ad = adOf(l);
      return ad ? state.dataset.campaigns.find((c) => c.id === ad.campaignId)?.name : undefined;
    }),
  };
};

const DEFAULT_LEAD_FIELDS = ['created_time', 'id', 'ad_id', 'form_id', 'field_data'];

const meterLeads = (ctx: GraphContext, pageId: string): void =>
  meterCall(ctx.state, ctx.res, { buc: 'leadgen', ownerId: pageId });

export const readLead = (ctx: GraphContext, lead: LeadRecord): unknown => {
  requireScope(ctx.token, 'leads_retrieval');
  meterLeads(ctx, lead.pageId);
  return selectFields(
    lead,
    requestedFields(ctx),
    DEFAULT_LEAD_FIELDS,
    leadFields(ctx.state, ctx.token),
    'Lead',
  );
};

const TIME_OPERATORS = ['LESS_THAN', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL'] as const;
type TimeCondition = { operator: (typeof TIME_OPERATORS)[number]; seconds: number };

/**
 * `filtering=[{"field":"time_created","operator":"GREATER_THAN","value":1761945743}]` (REFERENCE §6.4): the
 * conditions on the lead's creation time (unix seconds); anything else is Meta's #100.
 */
const timeConditions = (ctx: GraphContext): TimeCondition[] => {
  const raw = param(ctx.req, 'filtering');
  if (raw === undefined || raw === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw graphErrors.invalidParameter('Param filtering must be a JSON array');
  }
  if (!Array.isArray(parsed)) throw graphErrors.invalidParameter('Param filtering must be a JSON array');
  return parsed.map((item: unknown, index) => {
    const condition = (item ?? {}) as { field?: unknown; operator?: unknown; value?: unknown };
    if (condition.field !== 'time_created')
      throw graphErrors.invalidParameter(`Filtering field ${String(condition.field)} is invalid for leads`);
    const operator = TIME_OPERATORS.find((op) => op === condition.operator);
    if (!operator)
      throw graphErrors.invalidParameter(
        `filtering[${index}].operator must be one of ${TIME_OPERATORS.join(', ')}`,
      );
    const seconds = Number(condition.value);
    if (!Number.isFinite(seconds))
      throw graphErrors.invalidParameter(`filtering[${index}].value must be a number`);
    return { operator, seconds };
  });
};

const matchesTime = (lead: LeadRecord, conditions: TimeCondition[]): boolean => {
  const seconds = Math.floor(lead.createdAt / 1000);
  return conditions.every((c) =>
    c.operator === 'LESS_THAN'
      ? seconds < c.seconds
      : c.operator === 'GREATER_THAN'
        ? seconds > c.seconds
        : seconds >= c.seconds,
  );
};

/** `GET /{form}/leads` and `GET /{ad}/leads`, newest first, optionally filtered on `time_created`. */
export const listLeads = (
  ctx: GraphContext,
  filter: { formId?: string; adId?: string },
  pageId: string,
): unknown => {
  requireScope(ctx.token, 'leads_retrieval');
  meterLeads(ctx, pageId);
  const fields = requestedFields(ctx);
  const conditions = timeConditions(ctx);
  const leads = [...ctx.state.leads.values()]
    .filter((l) => (!filter.formId || l.formId === filter.formId) && (!filter.adId || l.adId === filter.adId))
    .filter((l) => matchesTime(l, conditions))
    .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  return page(
    ctx,
    leads.map((l) => selectFields(l, fields, DEFAULT_LEAD_FIELDS, leadFields(ctx.state, ctx.token), 'Lead')),
  );
};

export const leadFormFields = (state: SandboxState): FieldResolvers<SandboxLeadForm> => ({
  id: (f) => f.id,
  name: (f) => f.name,
  status: (f) => f.status,
  locale: (f) => f.locale,
  created_time: (f) => f.createdTime,
  page_id: (f) => f.pageId,
  page: (f) => ({ id: f.pageId, name: state.dataset.pages.find((p) => p.id === f.pageId)?.name ?? '' }),
  privacy_policy_url: (f) => f.privacyPolicyUrl,
  questions: (f) =>
    f.questions.map((q, index) => ({ key: q.key, label: q.label, type: q.type, id: `${f.id}${index}` })),
  leads_count: (f) => [...state.leads.values()].filter((l) => l.formId === f.id).length,
  organic_leads_count: (f) =>
    [...state.leads.values()].filter((l) => l.formId === f.id && l.isOrganic).length,
  expired_leads_count: () => 0,
});

const DEFAULT_FORM_FIELDS = ['id', 'locale', 'name', 'status'];

export const readLeadForm = (ctx: GraphContext, form: SandboxLeadForm): unknown => {
  requireScope(ctx.token, 'leads_retrieval', 'pages_manage_ads');
  meterLeads(ctx, form.pageId);
  return selectFields(
    form,
    requestedFields(ctx),
    DEFAULT_FORM_FIELDS,
    leadFormFields(ctx.state),
    'LeadgenForm',
  );
};

export const listLeadForms = (ctx: GraphContext, pageNode: SandboxPage): unknown => {
  requireScope(ctx.token, 'leads_retrieval', 'pages_manage_ads');
  meterLeads(ctx, pageNode.id);
  const fields = requestedFields(ctx);
  const forms = ctx.state.dataset.leadForms.filter((f) => f.pageId === pageNode.id);
  return page(
    ctx,
    forms.map((f) => selectFields(f, fields, DEFAULT_FORM_FIELDS, leadFormFields(ctx.state), 'LeadgenForm')),
  );
};

export const pageFields = (state: SandboxState, token: TokenRecord): FieldResolvers<SandboxPage> => ({
  id: (p) => p.id,
  name: (p) => p.name,
  category: (p) => p.category,
  access_token: (p) =>
    mintToken(state, {
      scopes: token.scopes,
      lifetimeSeconds: null,
      longLived: true,
      kind: 'PAGE',
      profileId: p.id,
    }).token,
  has_lead_access: () => ({
    can_access_lead: true,
    enabled_lead_access_manager: false,
    has_lead_access_manager: false,
  }),
  leadgen_tos_accepted: () => true,
  is_webhooks_subscribed: (p) => state.subscriptions.has(`page:${p.id}`),
  link: (p) => `https://www.facebook.com/${p.id}`,
});

export const readPage = (ctx: GraphContext, pageNode: SandboxPage): unknown => {
  requireScope(ctx.token, 'pages_show_list', 'leads_retrieval');
  return selectFields(
    pageNode,
    requestedFields(ctx),
    ['name', 'id'],
    pageFields(ctx.state, ctx.token),
    'Page',
  );
};

/** `GET /me/accounts`: Pages with a page access token. */
export const listPages = (ctx: GraphContext, pages: SandboxPage[]): unknown => {
  requireScope(ctx.token, 'pages_show_list');
  const fields = requestedFields(ctx);
  return page(
    ctx,
    pages.map((p) =>
      selectFields(
        p,
        fields,
        ['access_token', 'category', 'name', 'id'],
        pageFields(ctx.state, ctx.token),
        'Page',
      ),
    ),
  );
};
