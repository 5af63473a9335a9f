import type { SandboxPhoneNumber, SandboxTemplate, SandboxWaba } from '../dataset/dataset.types';
import { requireScope } from '../http/access-token';
import { selectFields, type FieldResolvers } from '../http/field-selection';
import { meterCall } from '../http/rate-limit';
import { listParam, param } from '../http/request-params';
import type { SandboxState } from '../state/sandbox-state';
import { page, requestedFields, type GraphContext } from '../graph/graph-context';

const businessInfo = (state: SandboxState, id: string): { id: string; name: string } => ({
  id,
  name: state.dataset.businesses.find((b) => b.id === id)?.name ?? '',
});

export const wabaFields = (state: SandboxState): FieldResolvers<SandboxWaba> => ({
  id: (w) => w.id,
  name: (w) => w.name,
  currency: (w) => w.currency,
  timezone_id: (w) => w.timezoneId,
  message_template_namespace: (w) => w.messageTemplateNamespace,
  account_review_status: () => 'APPROVED',
  business_verification_status: () => 'verified',
  country: () => 'MX',
  status: () => 'ACTIVE',
  owner_business_info: (w) => businessInfo(state, w.ownerBusinessId),
  on_behalf_of_business_info: (w) => ({
    ...businessInfo(state, w.ownerBusinessId),
    status: 'APPROVED',
    type: 'SELF',
  }),
  whatsapp_business_manager_messaging_limit: () => 'TIER_2K',
});

export const phoneNumberFields = (): FieldResolvers<SandboxPhoneNumber> => ({
  id: (p) => p.id,
  display_phone_number: (p) => p.displayPhoneNumber,
  verified_name: (p) => p.verifiedName,
  quality_rating: (p) => p.qualityRating,
  code_verification_status: () => 'VERIFIED',
  status: () => 'CONNECTED',
  name_status: () => 'APPROVED',
  platform_type: () => 'CLOUD_API',
  throughput: () => ({ level: 'STANDARD' }),
  is_official_business_account: () => false,
  whatsapp_business_manager_messaging_limit: () => 'TIER_2K',
});

export const templateFields = (): FieldResolvers<SandboxTemplate> => ({
  id: (t) => t.id,
  name: (t) => t.name,
  language: (t) => t.language,
  status: (t) => t.status,
  category: (t) => t.category,
  sub_category: () => undefined,
  previous_category: () => undefined,
  parameter_format: () => 'POSITIONAL',
  rejected_reason: (t) => t.rejectedReason,
  components: (t) => t.components,
  quality_score: (t) => ({ score: t.qualityScore ?? (t.status === 'APPROVED' ? 'GREEN' : 'UNKNOWN') }),
});

const DEFAULT_TEMPLATE_FIELDS = [
  'name',
  'parameter_format',
  'components',
  'language',
  'status',
  'category',
  'id',
];
const DEFAULT_PHONE_FIELDS = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'status',
  'id',
];

const meterWaba = (ctx: GraphContext, wabaId: string): void =>
  meterCall(ctx.state, ctx.res, { buc: 'whatsapp_business_management', ownerId: wabaId });

export const readWaba = (ctx: GraphContext, waba: SandboxWaba): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  meterWaba(ctx, waba.id);
  return selectFields(
    waba,
    requestedFields(ctx),
    ['id', 'name', 'currency', 'timezone_id', 'message_template_namespace'],
    wabaFields(ctx.state),
    'WhatsAppBusinessAccount',
  );
};

export const listWabas = (ctx: GraphContext, businessId: string): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management', 'business_management');
  const wabas = ctx.state.dataset.wabas.filter((w) => w.ownerBusinessId === businessId);
  const fields = requestedFields(ctx);
  return page(
    ctx,
    wabas.map((w) =>
      selectFields(
        w,
        fields,
        ['id', 'name', 'currency', 'timezone_id', 'message_template_namespace'],
        wabaFields(ctx.state),
        'WhatsAppBusinessAccount',
      ),
    ),
  );
};

export const readPhoneNumber = (ctx: GraphContext, phone: SandboxPhoneNumber): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  meterWaba(ctx, phone.wabaId);
  return selectFields(
    phone,
    requestedFields(ctx),
    DEFAULT_PHONE_FIELDS,
    phoneNumberFields(),
    'WhatsAppBusinessPhoneNumber',
  );
};

export const listPhoneNumbers = (ctx: GraphContext, waba: SandboxWaba): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  meterWaba(ctx, waba.id);
  const fields = requestedFields(ctx);
  const phones = ctx.state.dataset.phoneNumbers.filter((p) => p.wabaId === waba.id);
  return page(
    ctx,
    phones.map((p) =>
      selectFields(p, fields, DEFAULT_PHONE_FIELDS, phoneNumberFields(), 'WhatsAppBusinessPhoneNumber'),
    ),
  );
};

/** `GET /{waba}/message_templates` with `name` (substring), `status`, `language`, `category` filters. */
export const listTemplates = (ctx: GraphContext, waba: SandboxWaba): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  meterWaba(ctx, waba.id);
  const { req } = ctx;
  const name = param(req, 'name');
  const statuses = listParam(req, 'status');
  const languages = listParam(req, 'language');
  const categories = listParam(req, 'category');
  const items = ctx.state.templates.filter(
    (t) =>
      t.wabaId === waba.id &&
      (!name || t.name.includes(name)) &&
      (!statuses || statuses.map((s) => s.toUpperCase()).includes(t.status)) &&
      (!languages || languages.includes(t.language)) &&
      (!categories || categories.map((c) => c.toUpperCase()).includes(t.category)),
  );
  const fields = requestedFields(ctx);
  return page(
    ctx,
    items.map((t) =>
      selectFields(t, fields, DEFAULT_TEMPLATE_FIELDS, templateFields(), 'WhatsAppBusinessHSM'),
    ),
  );
};

export const readTemplate = (ctx: GraphContext, template: SandboxTemplate): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  meterWaba(ctx, template.wabaId);
  return selectFields(
    template,
    requestedFields(ctx),
    DEFAULT_TEMPLATE_FIELDS,
    templateFields(),
    'WhatsAppBusinessHSM',
  );
};
