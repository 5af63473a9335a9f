/**
 * Seeds the demo tenant "Inmobiliaria Sol" (users, pipeline, ~2,000 leads with opportunities and sales).
 *
 *   DATABASE_URL=postgres://... node -r @swc-node/register services/crm-service/src/seed/demo-seed.ts <ads.json>
 *
 * `ads.json`: `{ "ads": [{ "adId", "adsetId", "campaignId" }], "referenceDate"?: ISO instant (default now) }`.
 * Idempotent: when the tenant exists it says so and exits 0. Writes no events (nothing to automate on old data).
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createUser, provisionTenant } from '../tenancy/provisioning';
import { LeadActivityStore } from '../lead-360/lead-activity-store';
import { LeadStore } from '../leads/lead-store';
import { OpportunityStore } from '../leads/opportunity-store';
import { SaleStore } from '../leads/sale-store';
import { DEMO_PASSWORD, DEMO_TENANT, DEMO_USERS, generateDemoData, parseSeedInput } from './demo-data';

export async function seedDemoTenant(
  databaseUrl: string,
  input: unknown,
  log: (line: string) => void = console.log,
): Promise<'seeded' | 'exists'> {
  const { ads, referenceDate } = parseSeedInput(input);
  const client = new Client({ connectionString: databaseUrl, application_name: 'crm-demo-seed' });
  await client.connect();
  try {
    await client.query('BEGIN');
    // A system transaction (what TenantDatabase.asSystem does): the seed writes a tenant it creates.
    await client.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    // Two seeds started at once: the second waits here, then sees the tenant.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('crm-demo-seed'))`);
    const existing = await client.query(`SELECT name FROM crm.tenants WHERE id = $1`, [DEMO_TENANT.id]);
    if (existing.rowCount) {
      await client.query('ROLLBACK');
      log(`demo tenant "${existing.rows[0].name}" (${DEMO_TENANT.id}) already exists, nothing to do`);
      return 'exists';
    }
    const started = Date.now();
    await provisionTenant(client, DEMO_TENANT);
    for (const user of DEMO_USERS) {
      await createUser(client, { ...user, tenantId: DEMO_TENANT.id, password: DEMO_PASSWORD });
    }
    const data = generateDemoData({ ads, referenceDate: referenceDate ?? new Date() });
    const tenantId = DEMO_TENANT.id;
    await new LeadStore().insertMany(client, tenantId, data.leads);
    await new OpportunityStore().insertMany(client, tenantId, data.opportunities);
    await new SaleStore().insertMany(client, tenantId, data.sales);
    await new LeadActivityStore().backfill(client, tenantId);
    await client.query('COMMIT');
    const meta = data.leads.filter((l) => l.leadSource === 'META_ADS').length;
    const usd = data.sales.filter((s) => s.currency === 'USD').length;
    log(
      `seeded "${DEMO_TENANT.name}" (${DEMO_TENANT.id}): ${DEMO_USERS.length} users, ${data.leads.length} leads ` +
        `(${meta} META_ADS over ${ads.length} ads), ${data.opportunities.length} opportunities, ` +
        `${data.sales.length} sales (${usd} in USD) in ${Date.now() - started} ms`,
    );
    return 'seeded';
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const databaseUrl = process.env.DATABASE_URL;
  if (!file || !databaseUrl) {
    console.error('usage: DATABASE_URL=postgres://... node -r @swc-node/register demo-seed.ts <ads.json>');
    process.exit(2);
  }
  const input: unknown = JSON.parse(readFileSync(resolve(file), 'utf8'));
  await seedDemoTenant(databaseUrl, input);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`demo seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
