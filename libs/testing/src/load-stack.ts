import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Rpc, type Role } from '@crm/contracts';
import { hash } from 'bcryptjs';
import { Client } from 'pg';
import { seedCrmTenant, timed, type SeededTenant } from './crm-seed';
import { REPO_ROOT, freePort, startServiceProcess, type ServiceHandle } from './infra';
import { PRODUCTION_NODE_OPTIONS } from './production-node-options';
import type { LoadUser } from './load-driver';
import { connectTenantToSandbox } from './meta-connection';
import { RpcTestClient } from './rpc-test-client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildEnvironments } = require(join(REPO_ROOT, 'tools/runner/stack.js')) as {
  buildEnvironments: (options: Record<string, unknown>) => Record<string, Record<string, string>>;
};

export const LOAD_SERVICES = [
  'crm-service',
  'meta-ads-service',
  'marketing-service',
  'automation-service',
  'gateway',
] as const;

export type LoadStackOptions = {
  /** The database's owner (seeding) and the app role's URL (what the services use). */
  ownerUrl: string;
  appUrl: string;
  natsUrl: string;
  redisUrl?: string;
  leads: number;
  /** Users of the tenant by role; each virtual user signs in as one of them. */
  users: { ceo: number; professional: number; setter: number };
  /** HSM sends in the live log (newest first, over the last days), each with its status history. */
  sends: number;
  /** Extra sandbox campaigns as `<campaigns>x<ads>` (the report bench's `50x20`); '' for the demo dataset only. */
  extraCampaigns: string;
  sandboxLatencyMs: number;
  log?: (line: string) => void;
};

export type LoadStack = {
  baseUrl: string;
  tenantId: string;
  users: LoadUser[];
  /** Terms typed into the leads search box, as in bench/crm-core (a name fragment, a full name, phone, email). */
  searchTerms: string[];
  /** Service name → pid of its (compiled) process. */
  pids: Record<string, number>;
  counts: SeededTenant['counts'] & { sends: number };
  services: ServiceHandle[];
  stop: () => Promise<void>;
};

const PASSWORD = 'carga-de-prueba-1';
const APP_SECRET = 'load-bench-app-secret';

/** `npm run rebuild:marketing -- <tenantId>` as a child process; resolves with its output when it exits 0. */
export function rebuildMarketingReadModel(tenantId: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(REPO_ROOT, 'services/marketing-service/src/rebuild.ts'), tenantId],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`rebuild exited ${code}\n${output}`)),
    );
  });
}

/** Each user's own client address, each in its own /24 (the login limiter counts per IP and per network). */
const clientIpOf = (i: number) => `10.${Math.floor(i / 250) % 250}.${i % 250}.${1 + (i % 200)}`;

/** Sends in the HSM log: the newest `count` leads, one follow-up each, in every state a log shows. */
async function seedSends(db: Client, tenantId: string, count: number): Promise<number> {
  await db.query(
    `WITH picked AS (
       SELECT id, phone, name, row_number() OVER (ORDER BY created_at DESC, id) AS n
         FROM crm.leads WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2
     ), inserted AS (
       INSERT INTO automation.sends (tenant_id, rule_key, lead_id, phone, lead_name, template_name, template_language,
                                     status, manual, due_at, created_at, updated_at, sent_at, delivered_at, read_at,
                                     replied_at, wamid, attempts)
       SELECT $1, 'lead_followup', p.id, p.phone, p.name, 'seguimiento_lead', 'es',
              (ARRAY['sent', 'delivered', 'read', 'replied'])[1 + p.n % 4], false,
              now() - p.n * interval '1 minute', now() - p.n * interval '1 minute', now() - p.n * interval '1 minute',
              now() - p.n * interval '1 minute',
              CASE WHEN p.n % 4 >= 1 THEN now() - p.n * interval '1 minute' + interval '2 seconds' END,
              CASE WHEN p.n % 4 >= 2 THEN now() - p.n * interval '1 minute' + interval '1 minute' END,
              CASE WHEN p.n % 4 = 3 THEN now() - p.n * interval '1 minute' + interval '5 minutes' END,
              'wamid.load.' || $1 || '.' || p.n, 1
         FROM picked p
       RETURNING id, tenant_id, status, sent_at
     )
     INSERT INTO automation.send_events (send_id, tenant_id, status, detail, at)
     SELECT i.id, i.tenant_id, s.status, NULL, i.sent_at + s.k * interval '1 second'
       FROM inserted i
       CROSS JOIN LATERAL unnest(ARRAY['scheduled', 'sending', 'sent', 'delivered', 'read', 'replied'])
                  WITH ORDINALITY AS s(status, k)
      WHERE s.k <= 3 + array_position(ARRAY['sent', 'delivered', 'read', 'replied'], i.status) - 1`,
    [tenantId, count],
  );
  await db.query('ANALYZE automation.sends, automation.send_events');
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM automation.sends WHERE tenant_id = $1`,
    [tenantId],
  );
  return rows[0].n;
}

/**
 * Everything the load proof runs against: the Meta sandbox (its own process, every Graph call answered after
 * `sandboxLatencyMs`), one tenant seeded at `leads` (libs/testing crm-seed), its users, its Meta connection with
 * campaigns, ads and insights, its HSM sends, the Marketing read model rebuilt, and the five services as real
 * processes from the production build (`npm run build:services`, dist/: RSS is the claim). The gateway runs with
 * `TRUST_PROXY=loopback`, so each virtual user's `X-Forwarded-For` is its client address (see `clientIpOf`).
 */
export async function startLoadStack(options: LoadStackOptions): Promise<LoadStack> {
  const log = options.log ?? (() => undefined);
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'tools/runner/build-services.js')], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build:services failed\n${build.stdout}\n${build.stderr}`);

  const services: ServiceHandle[] = [];
  const db = new Client({ connectionString: options.ownerUrl });
  await db.connect();
  const rpc = new RpcTestClient(options.natsUrl);
  let connectedTenant: string | undefined;
  const stop = async () => {
    // A sandbox number belongs to one tenant at a time: free it for the next tenant on this database.
    if (connectedTenant) {
      const client = new RpcTestClient(options.natsUrl);
      await client.call(Rpc.meta.disconnect, { tenantId: connectedTenant }).catch(() => undefined);
      await client.close();
    }
    await Promise.allSettled([...services].reverse().map((service) => service.stop()));
  };
  try {
    const sandboxPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    services.push(
      await startServiceProcess(
        'meta-sandbox',
        {
          SANDBOX_PORT: String(sandboxPort),
          META_APP_SECRET: APP_SECRET,
          SANDBOX_LATENCY_MS: String(options.sandboxLatencyMs),
          SANDBOX_EXTRA_CAMPAIGNS: options.extraCampaigns,
        },
        {
          script: join(REPO_ROOT, 'tools/meta-sandbox/src/main.ts'),
          healthUrl: `${sandboxUrl}/_sandbox/health`,
        },
      ),
    );
    const dataset = (await (await fetch(`${sandboxUrl}/_sandbox/dataset`)).json()) as {
      ids: {
        appId: string;
        businessId: string;
        adAccountId: string;
        wabaId: string;
        phoneNumberIds: string[];
      };
      ads: { adId: string; campaignName: string }[];
    };
    const extraAds = dataset.ads.filter((ad) => ad.campaignName.startsWith('Leads · Extra'));
    const adIds = (extraAds.length > 0 ? extraAds : dataset.ads).map((ad) => ad.adId);

    const tenantId = randomUUID();
    const seeded = await seedCrmTenant(db, tenantId, {
      leads: options.leads,
      setters: options.users.setter,
      adIds,
    });
    const tag = tenantId.slice(0, 8);
    const extra: [Role, number][] = [
      ['ceo', options.users.ceo - 1],
      ['professional', options.users.professional],
    ];
    for (const [role, count] of extra) {
      await db.query(
        `INSERT INTO crm.users (tenant_id, email, name, role, password_hash)
         SELECT $1, $2 || g || '-' || $3 || '@bench.test', $2 || ' ' || g, $2, 'x' FROM generate_series(1, $4::int) g`,
        [tenantId, role, tag, count],
      );
    }
    await db.query(`UPDATE crm.users SET password_hash = $2 WHERE tenant_id = $1`, [
      tenantId,
      await hash(PASSWORD, 4),
    ]);
    const { rows: userRows } = await db.query<{ email: string; role: Role }>(
      `SELECT email, role FROM crm.users WHERE tenant_id = $1 ORDER BY role, email`,
      [tenantId],
    );
    const users = userRows.map((row, i) => ({
      email: row.email,
      role: row.role,
      password: PASSWORD,
      clientIp: clientIpOf(i),
    }));
    let sends = 0;
    await timed(`seed ${options.sends.toLocaleString('en')} HSM sends`, async () => {
      sends = await seedSends(db, tenantId, options.sends);
    });

    const ports: Record<string, number> = { sandbox: sandboxPort };
    for (const service of LOAD_SERVICES) ports[service] = await freePort();
    const envs = buildEnvironments({
      databaseUrl: options.appUrl,
      natsUrl: options.natsUrl,
      redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379',
      ports,
      logLevel: 'warn',
      frontendDist: '/nonexistent',
      secrets: {
        META_APP_ID: dataset.ids.appId,
        META_APP_SECRET: APP_SECRET,
        META_WEBHOOK_VERIFY_TOKEN: randomBytes(16).toString('hex'),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
    });
    envs.gateway.TRUST_PROXY = 'loopback';
    const started = await Promise.all(
      LOAD_SERVICES.map((service) =>
        startServiceProcess(
          service,
          // As the images run them; BENCH_SERVICE_NODE_OPTIONS adds e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
          // profile every service under load.
          {
            ...envs[service],
            NODE_OPTIONS: `${PRODUCTION_NODE_OPTIONS} ${process.env.BENCH_SERVICE_NODE_OPTIONS ?? ''}`.trim(),
          },
          { compiled: true, timeoutMs: 90_000 },
        ),
      ),
    );
    services.push(...started);

    connectedTenant = tenantId;
    await timed('connect the tenant to the sandbox (catalogue sync)', () =>
      connectTenantToSandbox(rpc, sandboxUrl, tenantId, dataset.ids),
    );
    await rpc.call(Rpc.marketing.putFxRate, {
      tenantId,
      rate: { day: '2024-01-01', from: 'USD', to: 'MXN', rate: 17.5 },
    });
    await timed('rebuild the read model (npm run rebuild:marketing)', async () => {
      log(
        await rebuildMarketingReadModel(tenantId, {
          DATABASE_URL: options.appUrl,
          NATS_URL: options.natsUrl,
          LOG_LEVEL: 'warn',
        }),
      );
    });
    await db.query(
      `ANALYZE marketing.attribution_daily, marketing.attribution_monthly, marketing.attribution_day_totals`,
    );

    return {
      baseUrl: `http://127.0.0.1:${ports.gateway}`,
      tenantId,
      users,
      searchTerms: ['rez Cru', 'Elena Sánchez Vargas', '0001 2345', 'cliente98765@'],
      pids: Object.fromEntries(started.map((service) => [service.name, service.child.pid!])),
      counts: { ...seeded.counts, sends },
      services,
      stop,
    };
  } catch (error) {
    for (const service of services) {
      log(`--- ${service.name} (last lines) ---\n${service.output().split('\n').slice(-15).join('\n')}`);
    }
    await stop();
    throw error;
  } finally {
    await rpc.close();
    await db.end();
  }
}
