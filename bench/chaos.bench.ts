/**
 * Benchmark (issue 9, "The proofs → Chaos"): two replicas of every service (gateway, crm-service, meta-ads-service,
 * marketing-service, automation-service) as real processes behind a round-robin front, the Meta sandbox in process,
 * a random replica `kill -9`ed every few seconds (never the last of a service) and restarted, while BENCH_SENDS
 * (default 5,000) seeded sends fall due and BENCH_WEBHOOKS (default 5,000) WhatsApp messages from new numbers arrive
 * as signed webhooks (half Click-to-WhatsApp, a tenth delivered twice). Prints one Markdown row: kills, lost,
 * duplicate sends, duplicate leads, unknown → reconciled, wall time, verdict (see chaos-run.ts for what is counted).
 *
 * Run: npm run bench:chaos   (BENCH_SENDS / BENCH_WEBHOOKS size it; BENCH_MPS the number's cap, default 80/s;
 * BENCH_KILL_EVERY_MS the mean time between kills, default 3000; BENCH_RESTART_AFTER_MS, default 1000)
 */
import { cpus, loadavg } from 'node:os';
import { createFreshDatabase, dropDatabase, startNatsServer } from '@crm/testing';
import { chaosFailures, runChaos } from '../services/automation-service/src/__tests__/chaos-run';
import { CLUSTER_SERVICES, startHsmCluster } from '../services/automation-service/src/__tests__/hsm-cluster';

const SENDS = Number(process.env.BENCH_SENDS ?? 5000);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 5000);
const MPS = Number(process.env.BENCH_MPS ?? 80);
const KILL_EVERY_MS = Number(process.env.BENCH_KILL_EVERY_MS ?? 3000);
const RESTART_AFTER_MS = Number(process.env.BENCH_RESTART_AFTER_MS ?? 1000);

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  loadavg()
    .slice(0, 2)
    .map((n) => n.toFixed(1))
    .join(' / ');

async function main(): Promise<void> {
  const database = await createFreshDatabase('crm_bench_chaos');
  const nats = await startNatsServer();
  log(`${cpus().length} cores, load ${load()} (1 / 5 min) at the start`);
  try {
    const cluster = await startHsmCluster({
      databaseUrl: database.appUrl,
      ownerUrl: database.url,
      natsUrl: nats.url,
      replicas: Object.fromEntries(CLUSTER_SERVICES.map((service) => [service, 2])),
      mps: MPS,
      concurrency: 64,
      claimLeaseMs: 5000,
      // Webhooks go through gateways that get killed: a status can come several retries late, after a later
      // message's. The grace (production default 120 s) must cover that, or an unknown send that did go out is
      // taken as not sent and sent again.
      evidenceGraceMs: 10_000,
      unknownHorizonMs: 120_000,
      // Meta retries a failed delivery for days, less and less often: here every 10 s at most, for ~20 minutes.
      webhookMaxAttempts: 120,
      webhookRetryBaseMs: 500,
      webhookRetryMaxMs: 10_000,
      startTimeoutMs: 120_000,
    });
    try {
      const result = await runChaos(cluster, {
        sends: SENDS,
        webhooks: WEBHOOKS,
        killEveryMs: KILL_EVERY_MS,
        restartAfterMs: RESTART_AFTER_MS,
        webhooksPerSecond: MPS,
        settleTimeoutMs: 600_000,
        log,
      });
      const failures = chaosFailures(result);
      const perService = CLUSTER_SERVICES.map(
        (service) => `${service} ${result.kills.filter((k) => k.service === service).length}`,
      ).join(', ');
      log(`\nload ${load()} (1 / 5 min) at the end; kills per service: ${perService}`);
      log(`front: ${JSON.stringify(result.front)}; final states: ${JSON.stringify(result.states)}`);
      log(
        `the last sender's lead came ${result.leadsLateSeconds.toFixed(0)} s after consumers and outboxes were idle`,
      );
      log(
        `\n| sends | webhooks (redelivered) | kills | lost sends | lost leads | duplicate sends | duplicate leads | ` +
          `unknown → reconciled | not final | parked | 130429 | wall | verdict |`,
      );
      log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
      log(
        `| ${result.sends} | ${result.webhooks} (${result.redelivered}) | ${result.kills.length} | ${result.lostSends} | ` +
          `${result.lostLeads} | ${result.duplicateSends} | ${result.duplicateLeads} | ${result.unknownReconciled} | ` +
          `${Object.values(result.notFinal).reduce((a, b) => a + b, 0)} | ${result.parked} | ` +
          `${result.throughputRejections} | ${result.wallSeconds.toFixed(0)} s | ` +
          `${failures.length === 0 ? 'met' : `NOT met (${failures.join('; ')})`} |`,
      );
    } finally {
      await cluster.close();
    }
  } finally {
    await nats.stop();
    if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(database.name);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
