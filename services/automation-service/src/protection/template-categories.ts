import { Injectable } from '@nestjs/common';
import { Rpc } from '@crm/contracts';
import { RpcClient, TtlCache } from '@crm/nest-common';

/** How long the template list (for categories) and the tenant's timezone are reused before asking again. */
export const CATALOG_TTL_MS = 60_000;

/**
 * A template's category (`MARKETING`, `UTILITY`, `AUTHENTICATION`) from meta-ads-service's last sync
 * (`meta.templates.list`), and a tenant's timezone (`crm.tenants.get`), each cached per tenant for a minute.
 * A template not in the list counts as `MARKETING`: when in doubt, protect the recipient.
 */
@Injectable()
export class RecipientLookups {
  /** Per tenant: `name:language` → category. */
  private readonly categories = new TtlCache<string, Map<string, string>>({
    ttlMs: CATALOG_TTL_MS,
    maxEntries: 10_000,
  });
  private readonly zones = new TtlCache<string, string>({ ttlMs: CATALOG_TTL_MS, maxEntries: 10_000 });

  constructor(private readonly rpc: RpcClient) {}

  async templateCategory(tenantId: string, name: string | null, language: string | null): Promise<string> {
    if (!name || !language) return 'MARKETING';
    const byKey = await this.categories.getOrLoad(tenantId, async () => {
      const templates = await this.rpc.call(Rpc.meta.listTemplates, { tenantId });
      return new Map(templates.map((t) => [`${t.name}:${t.language}`, t.category.toUpperCase()]));
    });
    return byKey.get(`${name}:${language}`) ?? 'MARKETING';
  }

  tenantTimezone(tenantId: string): Promise<string> {
    return this.zones.getOrLoad(tenantId, async () => {
      const tenant = await this.rpc.call(Rpc.crm.getTenant, { tenantId });
      return tenant.timezone;
    });
  }
}
