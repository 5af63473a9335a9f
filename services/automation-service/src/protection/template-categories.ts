import { Injectable } from '@nestjs/common';
import { Rpc } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';

/** How long the template list (for categories) and the tenant's timezone are reused before asking again. */
export const CATALOG_TTL_MS = 60_000;

/**
 * A template's category (`MARKETING`, `UTILITY`, `AUTHENTICATION`) from meta-ads-service's last sync
 * (`meta.templates.list`), and a tenant's timezone (`crm.tenants.get`), each cached per tenant for a minute.
 * A template not in the list counts as `MARKETING`: when in doubt, protect the recipient.
 */
@Injectable()
export class RecipientLookups {
  private readonly categories = new Map<string, { at: number; byKey: Map<string, string> }>();
  private readonly zones = new Map<string, { at: number; zone: string }>();

  constructor(private readonly rpc: RpcClient) {}

  async templateCategory(tenantId: string, name: string | null, language: string | null): Promise<string> {
    if (!name || !language) return 'MARKETING';
    let cached = this.categories.get(tenantId);
    if (!cached || Date.now() - cached.at > CATALOG_TTL_MS) {
      const templates = await this.rpc.call(Rpc.meta.listTemplates, { tenantId });
      cached = {
        at: Date.now(),
        byKey: new Map(templates.map((t) => [`${t.name}:${t.language}`, t.category.toUpperCase()])),
      };
      this.categories.set(tenantId, cached);
    }
    return cached.byKey.get(`${name}:${language}`) ?? 'MARKETING';
  }

  async tenantTimezone(tenantId: string): Promise<string> {
    const cached = this.zones.get(tenantId);
    if (cached && Date.now() - cached.at <= CATALOG_TTL_MS) return cached.zone;
    const tenant = await this.rpc.call(Rpc.crm.getTenant, { tenantId });
    this.zones.set(tenantId, { at: Date.now(), zone: tenant.timezone });
    return tenant.timezone;
  }
}
