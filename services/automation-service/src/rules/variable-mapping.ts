import { DomainError, type LeadView, type VariableSource } from '@crm/contracts';

export type MappingContext = {
  lead: Pick<LeadView, 'name' | 'phone' | 'email' | 'assignedUserName'>;
  /** Needed only when the mapping uses `tenant.name`, or `seller.name` for an unassigned lead. */
  tenantName: string | null;
};

/** The first word of a name ("María José Pérez" → "María"). */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/** Whether building the parameters needs the tenant's name. */
export function needsTenantName(
  mapping: readonly VariableSource[],
  lead: Pick<LeadView, 'assignedUserName'>,
): boolean {
  return mapping.some(
    (source) => source === 'tenant.name' || (source === 'seller.name' && !lead.assignedUserName?.trim()),
  );
}

function valueOf(source: VariableSource, context: MappingContext): string | null {
  const { lead, tenantName } = context;
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
      return lead.assignedUserName?.trim() ? lead.assignedUserName : tenantName;
    case 'tenant.name':
      return tenantName;
  }
}

/**
 * The BODY parameters `{{1}}..{{n}}` of a template, in order, from the rule's mapping. WhatsApp rejects empty
 * text parameters, so a missing value (e.g. a lead without email) is a VALIDATION error naming the variable.
 */
export function resolveBodyParameters(mapping: readonly VariableSource[], context: MappingContext): string[] {
  return mapping.map((source, index) => {
    const value = valueOf(source, context)?.trim();
    if (!value) {
      throw new DomainError('VALIDATION', `no value for {{${index + 1}}} (${source})`, {
        variable: index + 1,
        source,
      });
    }
    return value;
  });
}
