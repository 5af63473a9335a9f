import {
  DomainError,
  type LeadView,
  type OpportunityView,
  type SaleView,
  type TemplateMapping,
  type TemplateVariableSource,
  type TenantView,
} from '@crm/contracts';

/** Everything a template parameter can come from: the lead, its seller, the opportunity or sale, the tenant. */
export type MappingContext = {
  /** `assignedUserName`/`assignedUserPhone`: the seller, read with the lead (`crm.leads.get` joins the user). */
  lead: Pick<LeadView, 'name' | 'phone' | 'email' | 'assignedUserName' | 'assignedUserPhone'>;
  /** Name for `tenant.name` (and `seller.*` of an unassigned lead); timezone and locale for dates and money. */
  tenant: Pick<TenantView, 'name' | 'timezone' | 'locale'> | null;
  opportunity?: Pick<OpportunityView, 'title' | 'value' | 'currency' | 'deadline'> | null;
  sale?: Pick<SaleView, 'amount' | 'currency' | 'completedAt'> | null;
};

/** The parameters of one message: header `{{1}}`, body `{{1}}..{{n}}`, URL button suffixes by index. */
export type ResolvedParameters = {
  header: string[];
  body: string[];
  buttons: { index: number; text: string }[];
};

/** The first word of a name ("María José Pérez" → "María"). */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

function money(amount: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

function dateTime(iso: string, tenant: MappingContext['tenant'], withTime: boolean): string {
  const options: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'medium', timeStyle: 'short', timeZone: tenant?.timezone ?? 'UTC' }
    : { dateStyle: 'medium', timeZone: tenant?.timezone ?? 'UTC' };
  try {
    return new Intl.DateTimeFormat(tenant?.locale ?? 'es-MX', options).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** The value of one source, or null when the context has none (e.g. a lead without email, no opportunity). */
export function valueOf(source: TemplateVariableSource, context: MappingContext): string | null {
  const { lead, tenant, opportunity, sale } = context;
  const locale = tenant?.locale ?? 'es-MX';
  const seller = lead.assignedUserName?.trim() ? lead.assignedUserName : (tenant?.name ?? null);
  switch (source) {
    case 'lead.name':
      return lead.name;
    case 'lead.first_name':
      return firstName(lead.name);
    case 'lead.phone':
      return lead.phone;
    case 'lead.email':
      return lead.email;
    case 'seller.name':
      return seller;
    case 'seller.first_name':
      return seller ? firstName(seller) : null;
    case 'seller.phone':
      // The assigned user's phone in E.164, as `lead.phone`; no tenant fallback: a lead without a seller, or a seller
      // without a phone, has none (missing_variable).
      return lead.assignedUserPhone ?? null;
    case 'tenant.name':
      return tenant?.name ?? null;
    case 'opportunity.title':
      return opportunity?.title ?? null;
    case 'opportunity.value':
      return opportunity ? money(opportunity.value, opportunity.currency, locale) : null;
    case 'opportunity.deadline':
      return opportunity?.deadline ? dateTime(opportunity.deadline, tenant, true) : null;
    case 'sale.amount':
      return sale ? money(sale.amount, sale.currency, locale) : null;
    case 'sale.completed_at':
      return sale?.completedAt ? dateTime(sale.completedAt, tenant, false) : null;
  }
}

function resolveList(sources: readonly TemplateVariableSource[], context: MappingContext, part: string) {
  return sources.map((source, index) => {
    const value = valueOf(source, context)?.trim();
    if (!value) {
      throw new DomainError('VALIDATION', `no value for ${part} {{${index + 1}}} (${source})`, {
        reason: 'missing_variable',
        part,
        variable: index + 1,
        source,
      });
    }
    return value;
  });
}

/**
 * Every parameter of the message from the rule's mapping. WhatsApp rejects empty text parameters, so a missing
 * value is a VALIDATION error (reason `missing_variable`) naming the part, the variable and its source.
 */
export function resolveParameters(mapping: TemplateMapping, context: MappingContext): ResolvedParameters {
  const header = resolveList(mapping.header, context, 'header');
  const body = resolveList(mapping.body, context, 'body');
  const buttons = mapping.buttons.map((button) => ({
    index: button.index,
    text: resolveList([button.source], context, `button ${button.index}`)[0],
  }));
  return { header, body, buttons };
}

/** The BODY parameters only (the old, body-only mapping). */
export function resolveBodyParameters(
  mapping: readonly TemplateVariableSource[],
  context: MappingContext,
): string[] {
  return resolveList(mapping, context, 'body');
}

/** `Hola {{1}}` + ['Ana'] → `Hola Ana` (a placeholder without a parameter stays as it is). */
export function fillPlaceholders(text: string, parameters: readonly string[]): string {
  return text.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => parameters[Number(n) - 1] ?? whole);
}
