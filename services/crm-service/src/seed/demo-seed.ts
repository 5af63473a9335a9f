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
import { bulkInsert } from './bulk-insert';
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
    await bulkInsert(
      client,
      'crm.leads',
      [
        'id',
        'tenant_id',
        'name',
        'phone',
        'email',
        'status',
        'lead_source',
        'meta_ad_id',
        'meta_adset_id',
        'meta_campaign_id',
        'ctwa_clid',
        'meta_leadgen_id',
        'opted_out',
        'assigned_user_id',
        'created_at',
        'updated_at',
      ],
      data.leads.map((l) => [
        l.id,
        tenantId,
        l.name,
        l.phone,
        l.email,
        l.status,
        l.leadSource,
        l.metaAdId,
        l.metaAdsetId,
        l.metaCampaignId,
        l.ctwaClid,
        l.metaLeadgenId,
        l.optedOut,
        l.assignedUserId,
        l.createdAt,
        l.updatedAt,
      ]),
    );
    await bulkInsert(
      client,
      'crm.opportunities',
      [
        'id',
        'tenant_id',
        'lead_id',
        'title',
        'value',
        'currency',
        'status',
        'deadline',
        'created_at',
        'closed_at',
      ],
      data.opportunities.map((o) => [
        o.id,
        tenantId,
        o.leadId,
        o.title,
        o.value,
        o.currency,
        o.status,
        o.deadline,
        o.createdAt,
        o.closedAt,
      ]),
    );
    await bulkInsert(
      client,
      'crm.sales_transactions',
      [
        'id',
        'tenant_id',
        'lead_id',
        'opportunity_id',
        'amount',
        'currency',
        'status',
        'completed_at',
        'created_at',
      ],
      data.sales.map((s) => [
        s.id,
        tenantId,
        s.leadId,
        s.opportunityId,
        s.amount,
        s.currency,
        s.status,
        s.completedAt,
        s.createdAt,
      ]),
    );
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
