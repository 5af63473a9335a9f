/**
 * Ops CLI: remove one tenant's data from every schema, Redis and JetStream.
 *   npm run tenant:delete -- <tenantId>          (dry run: prints what it would delete, changes nothing)
 *   npm run tenant:delete -- <tenantId> --yes    (deletes)
 * Uses MIGRATION_DATABASE_URL (the schema owner; else DATABASE_URL), REDIS_URL and NATS_URL when set.
 *
 * Generic, so a table added later is covered without touching this file:
 * - every table with a `tenant_id` column in the service schemas, children before parents (foreign keys read from
 *   `pg_constraint`), then `crm.tenants` itself, all in ONE transaction with `app.bypass_rls = on` (row-level
 *   security is forced, even for the owner). Triggers that maintain per-tenant aggregates (`crm.lead_day_counts`,
 *   `crm.opportunity_totals`) may write a row while their source is deleted, so passes repeat until one deletes
 *   nothing; then one `crm.access_changes` row with neither tenant nor user, so every gateway forgets the sessions it
 *   cached (this tenant's among them) within seconds;
 * - `<schema>.dead_letters` (no tenant column): the parked messages whose body mentions the tenant id;
 * - Redis: keys whose name contains the tenant id (`SCAN MATCH *<id>*`; today's keys are short-lived locks);
 * - JetStream: subjects carry no tenant id, so messages of `CRM_EVENTS` whose body mentions the tenant id are
 *   deleted one by one (a scan of the stream). `META_WEBHOOKS` bodies carry Meta's asset ids, not ours: they are
 *   left to the stream's `max_age` (`JETSTREAM_WEBHOOKS_MAX_AGE_HOURS`, default 72 h) — see docs/OPERATIONS.md.
 */
import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, connect, nanos, type NatsConnection } from 'nats';
import Redis from 'ioredis';
import { Client } from 'pg';

export const TENANT_SCHEMAS = ['crm', 'meta_ads', 'automation', 'marketing'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USAGE = 'usage: tenant:delete <tenantId> [--yes]';
const MAX_PASSES = 5;

export type TenantDeleteArgs = { tenantId: string; yes: boolean };

export function parseTenantDeleteArgs(argv: readonly string[]): TenantDeleteArgs {
  const positional = argv.filter((arg) => !arg.startsWith('--'));
  const flags = argv.filter((arg) => arg.startsWith('--'));
  const unknown = flags.filter((flag) => flag !== '--yes');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}\n${USAGE}`);
  if (positional.length !== 1 || !UUID.test(positional[0]!))
    throw new Error(`a tenant id (uuid) is needed\n${USAGE}`);
  return { tenantId: positional[0]!.toLowerCase(), yes: flags.includes('--yes') };
}

type TableRef = { table: string };
type ForeignKey = { child: string; parent: string };

/** Tables with a `tenant_id`, ordered so each comes before every table it references (children first). */
export function childrenFirst(tables: readonly string[], foreignKeys: readonly ForeignKey[]): string[] {
  const remaining = new Set(tables);
  const ordered: string[] = [];
  while (remaining.size > 0) {
    // A table can go when no remaining table (other than itself) still references it.
    const ready = [...remaining].filter(
      (table) =>
        !foreignKeys.some((fk) => fk.parent === table && fk.child !== table && remaining.has(fk.child)),
    );
    if (ready.length === 0) throw new Error(`foreign-key cycle among ${[...remaining].join(', ')}`);
    for (const table of ready.sort()) {
      ordered.push(table);
      remaining.delete(table);
    }
  }
  return ordered;
}

export type TenantDeleteReport = {
  tenantId: string;
  tenantName: string | null;
  deleted: boolean;
  /** Rows per table (`schema.table`), only tables that had some. */
  rows: Record<string, number>;
  redisKeys: number | 'skipped';
  jetstreamMessages: number | 'skipped';
};

async function deleteFromDatabase(
  client: Client,
  tenantId: string,
  apply: boolean,
): Promise<Pick<TenantDeleteReport, 'tenantName' | 'rows'>> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('app.bypass_rls', 'on', true)`);
    const tenant = await client.query<{ name: string }>(`SELECT name FROM crm.tenants WHERE id = $1`, [
      tenantId,
    ]);
    const tables = (
      await client.query<TableRef>(
        `SELECT c.table_schema || '.' || c.table_name AS table
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' AND c.table_schema = ANY($1)`,
        [TENANT_SCHEMAS],
      )
    ).rows.map((row) => row.table);
    const foreignKeys = (
      await client.query<ForeignKey>(
        `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
           FROM pg_constraint WHERE contype = 'f'`,
      )
    ).rows;
    const rows: Record<string, number> = {};
    const add = (table: string, count: number) => {
      if (count > 0) rows[table] = (rows[table] ?? 0) + count;
    };
    const ordered = childrenFirst(tables, foreignKeys);
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let deleted = 0;
      for (const table of ordered) {
        const sql = apply
          ? `DELETE FROM ${table} WHERE tenant_id = $1`
          : `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`;
        const result = await client.query<{ n: number }>(sql, [tenantId]);
        const count = apply ? (result.rowCount ?? 0) : (result.rows[0]?.n ?? 0);
        add(table, count);
        deleted += count;
      }
      if (!apply || deleted === 0) break;
      if (pass === MAX_PASSES - 1) throw new Error('rows kept reappearing; nothing was deleted');
    }
    for (const schema of TENANT_SCHEMAS) {
      const exists = await client.query(`SELECT to_regclass($1) AS t`, [`${schema}.dead_letters`]);
      if (!exists.rows[0]?.t) continue;
      const where = `FROM ${schema}.dead_letters WHERE strpos(payload, $1) > 0`;
      const result = await client.query<{ n: number }>(
        apply ? `DELETE ${where}` : `SELECT count(*)::int AS n ${where}`,
        [tenantId],
      );
      add(`${schema}.dead_letters`, apply ? (result.rowCount ?? 0) : (result.rows[0]?.n ?? 0));
    }
    const tenantRow = await client.query(
      apply ? `DELETE FROM crm.tenants WHERE id = $1` : `SELECT 1 FROM crm.tenants WHERE id = $1`,
      [tenantId],
    );
    add('crm.tenants', tenantRow.rowCount ?? 0);
    // Gateways may trust a cached session for a minute unless told: a row for everyone (no tenant id is kept)
    // makes each of them drop every cached session within seconds, this tenant's among them.
    if (apply) await client.query(`INSERT INTO crm.access_changes (tenant_id, user_id) VALUES (NULL, NULL)`);
    await client.query(apply ? 'COMMIT' : 'ROLLBACK');
    return { tenantName: tenant.rows[0]?.name ?? null, rows };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function deleteFromRedis(url: string, tenantId: string, apply: boolean): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${tenantId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) count += apply ? await redis.del(...keys) : keys.length;
    } while (cursor !== '0');
    return count;
  } finally {
    redis.disconnect();
  }
}

/** Stream whose bodies carry our tenant id (`tenantId` in every event payload). */
export const TENANT_STREAM = 'CRM_EVENTS';

/** Sequences of the stream's messages whose body mentions `needle`, read once up to the stream's current end. */
export async function sequencesMentioning(
  connection: NatsConnection,
  stream: string,
  needle: string,
): Promise<number[]> {
  const manager = await connection.jetstreamManager();
  let last: number;
  try {
    const info = await manager.streams.info(stream);
    if (info.state.messages === 0) return [];
    last = info.state.last_seq;
  } catch {
    return []; // no stream yet: nothing was ever published
  }
  // A throwaway pull consumer (no acks; the server removes it when idle), read in bounded fetches.
  const name = `tenant-scan-${randomUUID().slice(0, 8)}`;
  await manager.consumers.add(stream, {
    name,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    inactive_threshold: nanos(60_000),
  });
  const bytes = Buffer.from(needle);
  const matches: number[] = [];
  try {
    const consumer = await connection.jetstream().consumers.get(stream, name);
    let seen = 0;
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
      let got = 0;
      for await (const message of batch) {
        got++;
        seen = message.seq;
        if (Buffer.from(message.data).includes(bytes)) matches.push(message.seq);
      }
      if (got === 0 || seen >= last) return matches;
    }
  } finally {
    await manager.consumers.delete(stream, name).catch(() => undefined);
  }
}

async function deleteFromJetStream(url: string, tenantId: string, apply: boolean): Promise<number> {
  const connection = await connect({ servers: url, name: 'tenant-delete-cli', maxReconnectAttempts: 0 });
  try {
    const matches = await sequencesMentioning(connection, TENANT_STREAM, tenantId);
    if (apply) {
      const manager = await connection.jetstreamManager();
      for (const seq of matches) await manager.streams.deleteMessage(TENANT_STREAM, seq, false);
    }
    return matches.length;
  } finally {
    await connection.close();
  }
}

export async function deleteTenant(
  args: TenantDeleteArgs,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TenantDeleteReport> {
  const databaseUrl = env.MIGRATION_DATABASE_URL || env.DATABASE_URL;
  if (!databaseUrl) throw new Error('MIGRATION_DATABASE_URL (or DATABASE_URL) is not set');
  const client = new Client({ connectionString: databaseUrl, application_name: 'tenant-delete-cli' });
  await client.connect();
  let database: Pick<TenantDeleteReport, 'tenantName' | 'rows'>;
  try {
    database = await deleteFromDatabase(client, args.tenantId, args.yes);
  } finally {
    await client.end();
  }
  const redisKeys = env.REDIS_URL ? await deleteFromRedis(env.REDIS_URL, args.tenantId, args.yes) : 'skipped';
  const jetstreamMessages = env.NATS_URL
    ? await deleteFromJetStream(env.NATS_URL, args.tenantId, args.yes)
    : 'skipped';
  return { tenantId: args.tenantId, deleted: args.yes, ...database, redisKeys, jetstreamMessages };
}

export function formatReport(report: TenantDeleteReport): string {
  const verb = report.deleted ? 'deleted' : 'would delete (dry run; add --yes to delete)';
  const lines = [
    `tenant ${report.tenantId}${report.tenantName ? ` "${report.tenantName}"` : ' (no crm.tenants row)'}: ${verb}`,
    ...Object.entries(report.rows)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([table, count]) => `  ${table}\t${count}`),
    `  total rows\t${Object.values(report.rows).reduce((sum, n) => sum + n, 0)}`,
    `  redis keys\t${report.redisKeys}`,
    `  jetstream ${TENANT_STREAM} messages\t${report.jetstreamMessages}`,
  ];
  return lines.join('\n');
}

if (require.main === module) {
  Promise.resolve()
    .then(() => deleteTenant(parseTenantDeleteArgs(process.argv.slice(2))))
    .then(
      (report) => process.stdout.write(`${formatReport(report)}\n`),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
}
