/**
 * Benchmark (issue 9): start time and idle RSS of each service, compiled (`node dist/services/<s>/main.js`, what the
 * images run) vs TypeScript through SWC at start (`node -r @swc-node/register services/<s>/src/main.ts`, the old
 * image and `npm run demo`). Start = spawn until /health answers 200; idle RSS = VmRSS 5 s after that.
 * Private nats-server, fresh database, Redis on 127.0.0.1:6379. Run: npm run bench:start (BENCH_ROUNDS=3).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO_ROOT,
  createFreshDatabase,
  dropDatabase,
  freePort,
  startNatsServer,
  startServiceProcess,
} from '@crm/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildEnvironments } = require('../tools/runner/stack.js') as {
  buildEnvironments: (options: Record<string, unknown>) => Record<string, Record<string, string>>;
};

const SERVICES = ['gateway', 'crm-service', 'meta-ads-service', 'marketing-service', 'automation-service'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [join(REPO_ROOT, 'tools/runner/build-services.js')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build:services failed');
  const database = await createFreshDatabase('crm_bench_start');
  const nats = await startNatsServer();
  try {
    const ports: Record<string, number> = { sandbox: await freePort() };
    for (const service of SERVICES) ports[service] = await freePort();
    const envs = buildEnvironments({
      databaseUrl: database.appUrl,
      natsUrl: nats.url,
      redisUrl: 'redis://127.0.0.1:6379',
      ports,
      logLevel: 'warn',
      frontendDist: '/nonexistent',
      secrets: {
        META_APP_ID: '1200000000000001',
        META_APP_SECRET: randomBytes(24).toString('hex'),
        META_WEBHOOK_VERIFY_TOKEN: randomBytes(16).toString('hex'),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        OAUTH_STATE_SECRET: randomBytes(32).toString('base64url'),
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
    });
    const rows: string[] = [];
    for (const service of SERVICES) {
      const result: Record<string, { start: number[]; rss: number[] }> = {};
      for (const mode of ['swc', 'dist'] as const) {
        result[mode] = { start: [], rss: [] };
        for (let round = 0; round < ROUNDS; round++) {
          const started = performance.now();
          const handle = await startServiceProcess(
            service,
            { ...envs[service], NODE_OPTIONS: '' },
            { compiled: mode === 'dist', timeoutMs: 60_000 },
          );
          result[mode].start.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 5000));
          result[mode].rss.push(rssMb(handle.child.pid!));
          await handle.stop();
        }
      }
      const cell = (mode: string) =>
        `${(median(result[mode].start) / 1000).toFixed(2)} s | ${median(result[mode].rss).toFixed(0)} MB`;
      rows.push(`| ${service} | ${cell('swc')} | ${cell('dist')} |`);
      process.stdout.write(`${rows.at(-1)}\n`);
    }
    process.stdout.write(
      `\nmedian of ${ROUNDS}\n| service | SWC at start: start | idle RSS | dist: start | idle RSS |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
    );
  } finally {
    await nats.stop();
    await dropDatabase(database.name);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
