/**
 * Benchmark: CSV import of 10,000 leads through the real gateway and crm-service over real NATS (NATS' default
 * 1 MB max_payload, as on the demo), into a tenant that already has EXISTING leads (default 100,000;
 * `BENCH_EXISTING_LEADS`) and two active setters. The file has 1% rows that fail validation and 1% duplicates of
 * existing leads. Times the upload (`POST /crm/leads/imports`: read, check, stage) and the whole import (upload →
 * start → polling `GET /crm/leads/imports/:id` every 100 ms until `done`), over RUNS imports of distinct files.
 * Target: 10,000 rows in < 10 s (upload to done).
 *
 * Run: node -r @swc-node/register bench/lead-import.bench.ts
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hash } from 'bcryptjs';
import { Client } from 'pg';
import type { LeadImportUpload, LeadImportView } from '@crm/contracts';
import {
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
  startServiceProcess,
} from '@crm/testing';
import { report, summarise } from './support';

const ROWS = 10_000;
const RUNS = 3;
const EXISTING = Number(process.env.BENCH_EXISTING_LEADS ?? 100_000);
const TARGET_MS = 10_000;
const PASSWORD = 'bench-password-1';

async function seed(db: Client, tenantId: string): Promise<string> {
  await db.query(
    `INSERT INTO crm.tenants (id, name, currency, timezone) VALUES ($1, 'Bench', 'MXN', 'America/Mexico_City')`,
    [tenantId],
  );
  const email = `ceo-${tenantId.slice(0, 8)}@bench.test`;
  await db.query(
    `INSERT INTO crm.users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, 'Ceo', 'ceo', $3)`,
    [tenantId, email, await hash(PASSWORD, 4)],
  );
  for (const i of [1, 2]) {
    await db.query(
      `INSERT INTO crm.users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, 'setter', 'x')`,
      [tenantId, `setter${i}-${tenantId.slice(0, 8)}@bench.test`, `Setter ${i}`],
    );
  }
  await db.query(
    `INSERT INTO crm.leads (tenant_id, name, phone, email, lead_source)
     SELECT $1, 'Existente ' || g, '+5215' || lpad(g::text, 9, '0'), 'existente' || g || '@example.com', 'MANUAL'
       FROM generate_series(1, $2::int) AS g`,
    [tenantId, EXISTING],
  );
  await db.query('ANALYZE crm.leads');
  return email;
}

/** 10,000 rows: every 100th has no name, every 100th (offset 50) repeats an existing lead's phone. */
function csvFor(run: number): string {
  const lines = ['Nombre,Teléfono,Correo,Etiquetas,Notas'];
  for (let i = 0; i < ROWS; i++) {
    const name = i % 100 === 0 ? '' : `Persona ${run}-${i}`;
    const phone =
      i % 100 === 50 ? `+52 15 ${String(1 + i).padStart(9, '0')}` : `56 ${run}${String(i).padStart(7, '0')}`;
    lines.push(`${name},${phone},p${run}-${i}@example.com,"feria, ${run}",nota ${i}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function main(): Promise<void> {
  const database = await createFreshDatabase('crm_bench');
  const nats = await startNatsServer({ configFile: null });
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const services: Awaited<ReturnType<typeof startServiceProcess>>[] = [];
  try {
    const tenantId = randomUUID();
    const email = await seed(db, tenantId);
    services.push(
      await startServiceProcess('crm-service', {
        DATABASE_URL: database.appUrl,
        NATS_URL: nats.url,
        HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      }),
    );
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    services.push(
      await startServiceProcess('gateway', {
        NATS_URL: nats.url,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'warn',
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
        META_APP_ID: '1200000000000001',
        META_APP_SECRET: randomBytes(24).toString('hex'),
        META_WEBHOOK_VERIFY_TOKEN: randomBytes(16).toString('hex'),
        META_GRAPH_URL: 'http://127.0.0.1:9',
        META_OAUTH_DIALOG_URL: 'http://127.0.0.1:9/v23.0/dialog/oauth',
        PUBLIC_URL: origin,
        COOKIE_SECURE: 'false',
      }),
    );
    const login = await fetch(`${origin}/crm/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const headers = { cookie, origin, 'sec-fetch-site': 'same-origin' };

    const uploads: number[] = [];
    const totals: number[] = [];
    let last: LeadImportView | undefined;
    for (let run = 1; run <= RUNS; run++) {
      const csv = csvFor(run);
      const t0 = performance.now();
      const uploaded = await fetch(`${origin}/crm/leads/imports?fileName=bench-${run}.csv`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: csv,
      });
      if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
      const { import: job } = (await uploaded.json()) as LeadImportUpload;
      uploads.push(performance.now() - t0);
      const started = await fetch(`${origin}/crm/leads/imports/${job.id}/start`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ mapping: { name: 0, phone: 1, email: 2, tags: 3, notes: 4 } }),
      });
      if (started.status !== 200) throw new Error(`start: ${started.status} ${await started.text()}`);
      for (;;) {
        const view = (await (
          await fetch(`${origin}/crm/leads/imports/${job.id}`, { headers })
        ).json()) as LeadImportView;
        if (view.status === 'done' || view.status === 'failed') {
          last = view;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      totals.push(performance.now() - t0);
      if (
        last.status !== 'done' ||
        last.created !== ROWS - 200 ||
        last.rejected !== 100 ||
        last.duplicates !== 100
      ) {
        throw new Error(`unexpected result: ${JSON.stringify(last)}`);
      }
      // The events the imports enqueued so far, and how many the relay had not published yet when this one was done.
      const outbox: { rows: number; unpublished: number } = (
        await db.query(
          `SELECT count(*)::int AS rows, count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished
             FROM crm.outbox`,
        )
      ).rows[0];
      process.stdout.write(
        `run ${run}: upload ${(uploads[run - 1] / 1000).toFixed(2)} s, upload → done ${(totals[run - 1] / 1000).toFixed(2)} s; outbox ${outbox.rows} rows, ${outbox.unpublished} unpublished at done\n`,
      );
    }
    process.stdout.write(
      `\n| benchmark | calls | p50 ms | p95 ms | p99 ms | target | result | notes |\n|---|---|---|---|---|---|---|---|`,
    );
    const upload = summarise(uploads, 0);
    report(
      `CSV upload ${ROWS.toLocaleString('en')} rows (read, check, stage)`,
      '—',
      upload,
      true,
      `${(csvFor(1).length / 1024).toFixed(0)} KB file; NATS max_payload 1 MB`,
    );
    const total = summarise(totals, 0);
    report(
      `CSV import ${ROWS.toLocaleString('en')} rows, upload → done`,
      `< ${TARGET_MS / 1000} s`,
      total,
      total.max < TARGET_MS,
      `${EXISTING.toLocaleString('en')} leads already in the tenant; each run: ${last!.created} created, ${last!.duplicates} duplicates, ${last!.rejected} rejected`,
    );
    process.stdout.write('\n');
  } finally {
    for (const service of services.reverse()) await service.stop();
    await db.end();
    await nats.stop();
    await dropDatabase(database.name);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
