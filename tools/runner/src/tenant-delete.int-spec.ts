import { randomUUID } from 'node:crypto';
import { Events } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
import { ownerDatabaseUrl } from '@crm/testing';
import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';
import {
  TENANT_SCHEMAS,
  TENANT_STREAM,
  childrenFirst,
  deleteTenant,
  formatReport,
  parseTenantDeleteArgs,
  sequencesMentioning,
} from './tenant-delete';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two tenants with rows in every service schema (crm, meta_ads, automation, marketing), a dead letter, a Redis key
 * and a JetStream event each; deleting one leaves none of its rows in ANY table with a `tenant_id` (listed from
 * information_schema, so a table added later is checked without editing this test) and the other tenant's intact.
 */
describe('tenant:delete removes one tenant from every schema, Redis and JetStream', () => {
  let db: Client;
  let redis: Redis;
  let jetstream: JetStreamService;

  beforeAll(async () => {
    db = new Client({ connectionString: ownerDatabaseUrl() });
    await db.connect();
    await db.query(`SET app.bypass_rls = 'on'`);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    jetstream = new JetStreamService();
    await jetstream.connect(process.env.NATS_URL!, 'tenant-delete-spec');
  });

  afterAll(async () => {
    await jetstream.onApplicationShutdown();
    redis.disconnect();
    await db.end();
  });

  async function seedTenant(name: string): Promise<string> {
    const tenantId = randomUUID();
    const q = (sql: string, params: unknown[] = []) => db.query(sql, [tenantId, ...params]);
    await q(
      `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, $2, 'MXN', 'America/Mexico_City')`,
      [name],
    );
    const userId = randomUUID();
    await q(
      `INSERT INTO crm.users (id, tenant_id, email, name, role, password_hash) VALUES ($2, $1, $3, 'Ana', 'ceo', 'x')`,
      [userId, `ana-${tenantId}@example.com`],
    );
    const leadId = randomUUID();
    await q(
      `INSERT INTO crm.leads (id, tenant_id, name, phone, lead_source, assigned_user_id)
       VALUES ($2, $1, 'Lucía Pérez', '+525512345678', 'META_ADS', $3)`,
      [leadId, userId],
    );
    const opportunityId = randomUUID();
    await q(
      `INSERT INTO crm.opportunities (id, tenant_id, lead_id, title, value, currency, status)
       VALUES ($2, $1, $3, 'Depto', 1000, 'MXN', 'won')`,
      [opportunityId, leadId],
    );
    await q(
      `INSERT INTO crm.sales_transactions (tenant_id, lead_id, opportunity_id, amount, currency, status, completed_at)
       VALUES ($1, $2, $3, 1000, 'MXN', 'completed', now())`,
      [leadId, opportunityId],
    );
    await q(`INSERT INTO crm.outbox (tenant_id, subject, payload) VALUES ($1, 'evt.crm.lead.created', '{}')`);
    await q(`INSERT INTO crm.processed_events (tenant_id, event_key) VALUES ($1, 'leadgen:1')`);
    await q(`INSERT INTO crm.access_changes (tenant_id, user_id) VALUES ($1, $2)`, [userId]);
    await q(`INSERT INTO meta_ads.connections (tenant_id, state) VALUES ($1, 'disconnected')`);
    await q(`INSERT INTO meta_ads.webhook_receipts (event_key, tenant_id) VALUES ($2, $1)`, [
      `wa:${tenantId}`,
    ]);
    await q(
      `INSERT INTO meta_ads.oauth_states (nonce, tenant_id, user_id, expires_at) VALUES ($2, $1, $3, now())`,
      [randomUUID(), userId],
    );
    await q(
      `INSERT INTO meta_ads.insights_cache (tenant_id, ad_account_id, since, until, payload, fetched_at)
       VALUES ($1, 'act_1', '2026-01-01', '2026-01-31', '{}', now())`,
    );
    await q(
      `INSERT INTO meta_ads.held_webhooks (tenant_id, asset_kind, asset_id, part_key, part, received_at)
       VALUES ($1, 'page', '123', 'k1', '{"name":"Lucía"}', now())`,
    );
    const sendId = randomUUID();
    await q(
      `INSERT INTO automation.sends (id, tenant_id, rule_key, lead_id, status, due_at, occurrence_key)
       VALUES ($2, $1, 'lead_followup', $3, 'scheduled', now(), 'o1')`,
      [sendId, leadId],
    );
    await q(`INSERT INTO automation.send_events (send_id, tenant_id, status) VALUES ($2, $1, 'scheduled')`, [
      sendId,
    ]);
    await q(
      `INSERT INTO marketing.attribution_leads (tenant_id, lead_id, is_meta, created_at, version)
       VALUES ($1, $2, true, now(), now())`,
      [leadId],
    );
    await q(
      `INSERT INTO marketing.report_snapshots (tenant_id, kind, ad_account_id, preset, since, until, payload)
       VALUES ($1, 'stats', 'act_1', 'last_7d', '2026-01-01', '2026-01-07', '{}')`,
    );
    await db.query(
      `INSERT INTO automation.dead_letters (consumer, subject, stream_sequence, payload, error_code, error_message,
                                            reason, attempts)
       VALUES ('spec', 'evt.crm.lead.created', $2, $1, 'TypeError', 'boom', 'permanent', 1)`,
      [JSON.stringify({ tenantId, leadId }), Math.floor(Math.random() * 1e9)],
    );
    await redis.set(`meta:insights:fill:${tenantId}:act_1`, 'lock', 'EX', 300);
    await jetstream.publish(
      Events.leadStatusChanged,
      { tenantId, leadId, from: 'nuevo', to: 'contactado', changedAt: new Date().toISOString() },
      randomUUID(),
    );
    return tenantId;
  }

  /** Rows of the tenant in every table with a `tenant_id` (from information_schema), plus its tenant row. */
  async function rowsOf(tenantId: string): Promise<Record<string, number>> {
    const tables = await db.query<{ table: string }>(
      `SELECT c.table_schema || '.' || c.table_name AS table
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
          AND c.table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const counts: Record<string, number> = {};
    for (const { table } of tables.rows) {
      const result = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`,
        [tenantId],
      );
      counts[table] = result.rows[0]!.n;
    }
    const tenant = await db.query(`SELECT 1 FROM crm.tenants WHERE id = $1`, [tenantId]);
    counts['crm.tenants'] = tenant.rowCount ?? 0;
    return counts;
  }

  async function eventsMentioning(tenantId: string): Promise<number> {
    const connection = await connect({ servers: process.env.NATS_URL! });
    try {
      return (await sequencesMentioning(connection, TENANT_STREAM, tenantId)).length;
    } finally {
      await connection.close();
    }
  }

  it('refuses bad arguments, and without --yes only reports', async () => {
    expect(() => parseTenantDeleteArgs([])).toThrow(/usage: tenant:delete/);
    expect(() => parseTenantDeleteArgs(['not-a-uuid', '--yes'])).toThrow(/tenant id/);
    expect(() => parseTenantDeleteArgs([randomUUID(), '--force'])).toThrow(/unknown option --force/);

    const tenantId = await seedTenant('Dry run');
    const before = await rowsOf(tenantId);
    const report = await deleteTenant(parseTenantDeleteArgs([tenantId]), { ...process.env, REDIS_URL });
    expect(report.deleted).toBe(false);
    expect(formatReport(report)).toContain('dry run; add --yes');
    expect(report.rows['crm.leads']).toBe(1);
    expect(await rowsOf(tenantId)).toEqual(before);
    expect(await redis.exists(`meta:insights:fill:${tenantId}:act_1`)).toBe(1);
  });

  it('deletes every row of one tenant in every schema and keeps the other tenant intact', async () => {
    const doomed = await seedTenant('Se va');
    const kept = await seedTenant('Se queda');
    const keptBefore = await rowsOf(kept);
    const doomedBefore = await rowsOf(doomed);
    // The seed reaches every service schema (and the aggregates kept by triggers), so the test can fail.
    for (const schema of TENANT_SCHEMAS) {
      const seeded = Object.entries(doomedBefore).filter(
        ([table, n]) => table.startsWith(`${schema}.`) && n > 0,
      );
      expect(seeded.length).toBeGreaterThan(0);
    }
    expect(doomedBefore['crm.lead_day_counts']).toBeGreaterThan(0);
    expect(await eventsMentioning(doomed)).toBe(1);
    expect(doomedBefore['crm.access_changes']).toBe(1);
    const lastChange = await db.query<{ seq: string }>(
      `SELECT max(seq)::text AS seq FROM crm.access_changes`,
    );

    const report = await deleteTenant(parseTenantDeleteArgs([doomed, '--yes']), {
      ...process.env,
      REDIS_URL,
    });
    expect(report.deleted).toBe(true);
    expect(report.tenantName).toBe('Se va');
    expect(report.rows['crm.tenants']).toBe(1);
    expect(report.rows['automation.dead_letters']).toBe(1);
    expect(report.redisKeys).toBe(1);
    expect(report.jetstreamMessages).toBe(1);

    const after = await rowsOf(doomed);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(await rowsOf(kept)).toEqual(keptBefore);
    // Gateways are told to drop every cached session (the doomed tenant's too), by a row naming no tenant.
    const told = await db.query(
      `SELECT tenant_id, user_id FROM crm.access_changes WHERE seq > $1::bigint ORDER BY seq`,
      [lastChange.rows[0]!.seq],
    );
    expect(told.rows).toContainEqual({ tenant_id: null, user_id: null });
    const letters = await db.query(
      `SELECT payload FROM automation.dead_letters WHERE strpos(payload, $1) > 0`,
      [kept],
    );
    expect(letters.rowCount).toBe(1);
    expect(await redis.exists(`meta:insights:fill:${doomed}:act_1`)).toBe(0);
    expect(await redis.exists(`meta:insights:fill:${kept}:act_1`)).toBe(1);
    expect(await eventsMentioning(doomed)).toBe(0);
    expect(await eventsMentioning(kept)).toBe(1);
    await redis.del(`meta:insights:fill:${kept}:act_1`);
  });

  it('orders tables children first and refuses a cycle', () => {
    expect(
      childrenFirst(
        ['crm.leads', 'crm.opportunities', 'crm.sales'],
        [
          { child: 'crm.opportunities', parent: 'crm.leads' },
          { child: 'crm.sales', parent: 'crm.opportunities' },
          { child: 'crm.leads', parent: 'crm.leads' },
        ],
      ),
    ).toEqual(['crm.sales', 'crm.opportunities', 'crm.leads']);
    expect(() =>
      childrenFirst(
        ['a.x', 'a.y'],
        [
          { child: 'a.x', parent: 'a.y' },
          { child: 'a.y', parent: 'a.x' },
        ],
      ),
    ).toThrow(/cycle/);
  });
});
