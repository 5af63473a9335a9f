/**
 * Benchmark (issue 7): HSM sends at platform scale, end to end with real processes (crm-service, meta-ads-service,
 * automation-service) against the Meta sandbox (in process, as Meta: 130429 beyond the number's throughput).
 *
 * 1. Drain: BENCH_SENDS (default 10,000) sends due at once on one number, cap BENCH_MPS (default 80/s) — leads and
 *    their scheduled follow-ups are seeded in SQL, then made due in one statement: drain time
 *    (expected ≈ sends / mps), 130429 answers (target 0), duplicates and lost sends (target 0) — with one replica of
 *    each worker, then with two of each while one of each is killed (`kill -9`) mid-run.
 * 2. Latency: lead.created → message at the sandbox, not counting the rule's own delay (target p95 ≤ 2 s).
 *
 * Run: npm run bench:hsm   (BENCH_SENDS=2000 for a shorter run; BENCH_ONLY=drain|kill|latency for one part)
 */
import { createFreshDatabase, dropDatabase, startNatsServer, waitFor } from '@crm/testing';
import { startHsmCluster, type HsmCluster } from '../services/automation-service/src/__tests__/hsm-cluster';
import { percentile } from './support';

const SENDS = Number(process.env.BENCH_SENDS ?? 10_000);
const MPS = Number(process.env.BENCH_MPS ?? 80);
const LATENCY_LEADS = Number(process.env.BENCH_LATENCY_LEADS ?? 60);
const ONLY = process.env.BENCH_ONLY;
/** automation-service's SEND_CONCURRENCY per replica: enough sends in flight to keep the number at its cap. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);

const digits = (phone: string) => phone.replace(/\D/g, '');
const log = (line: string) => process.stdout.write(`${line}\n`);

type DrainResult = {
  name: string;
  sends: number;
  drainSeconds: number;
  expectedSeconds: number;
  throughputRejections: number;
  duplicates: number;
  lost: number;
  states: Record<string, number>;
};

async function drain(cluster: HsmCluster, name: string, killMidRun: boolean): Promise<DrainResult> {
  log(`[${name}] seeding ${SENDS} leads with a scheduled follow-up each…`);
  const leads = await cluster.seedScheduledSends(SENDS);
  await cluster.waitScheduled(SENDS, 600_000);
  const already = cluster.sandbox.state.messages.length;
  const due = await cluster.makeAllDue();
  const started = Date.now();
  log(`[${name}] ${due} sends due at once`);
  if (killMidRun) {
    await waitFor(() => cluster.sandbox.state.messages.length - already >= SENDS / 3, {
      what: 'a third of the sends',
      timeoutMs: 600_000,
      intervalMs: 50,
    });
    cluster.kill(cluster.automation[0]);
    cluster.kill(cluster.meta[0]);
    log(`[${name}] killed one automation-service and one meta-ads-service replica (SIGKILL)`);
  }
  await waitFor(() => cluster.sandbox.state.messages.length - already >= SENDS, {
    what: 'every message at the sandbox',
    timeoutMs: Math.max(600_000, (SENDS / MPS) * 4000),
    intervalMs: 100,
  });
  const last = Math.max(...cluster.sandbox.state.messages.map((m) => m.createdAt));
  const drainSeconds = (last - started) / 1000;
  // Let everything settle (webhooks, reconciliation) before counting states.
  await waitFor(
    async () => {
      const states = await cluster.sendStates();
      return !states.scheduled && !states.sending && !states.unknown;
    },
    { what: 'every send settled', timeoutMs: 300_000, intervalMs: 1000 },
  ).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const counts = cluster.messageCounts();
  const perLead = leads.map((lead) => counts.get(digits(lead.phone)) ?? 0);
  return {
    name,
    sends: SENDS,
    drainSeconds,
    expectedSeconds: SENDS / MPS,
    throughputRejections: cluster.sandbox.state.limitRejections.throughput,
    duplicates: perLead.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    lost: perLead.filter((n) => n === 0).length,
    states: await cluster.sendStates(),
  };
}

async function latency(
  cluster: HsmCluster,
): Promise<{ p50: number; p95: number; max: number; count: number }> {
  await cluster.setRuleDelay(1);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_LEADS; i++) {
    const [lead] = await cluster.createLeads(1, 1);
    const due = Date.parse(lead.createdAt) + 1000;
    const to = digits(lead.phone);
    const message = await waitFor(() => cluster.sandbox.state.messages.find((m) => m.to === to), {
      what: 'the message',
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    samples.push(message.createdAt - due);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
  };
}

function reportDrain(result: DrainResult): void {
  const met = result.throughputRejections === 0 && result.duplicates === 0 && result.lost === 0;
  log(
    `| ${result.name} | ${result.sends} | ${result.drainSeconds.toFixed(1)} s | ${result.expectedSeconds.toFixed(1)} s | ` +
      `${result.throughputRejections} | ${result.duplicates} | ${result.lost} | ${JSON.stringify(result.states)} | ${met ? 'met' : 'NOT met'} |`,
  );
}

async function main(): Promise<void> {
  const database = await createFreshDatabase('crm_bench_hsm');
  const nats = await startNatsServer();
  const results: DrainResult[] = [];
  let lat: Awaited<ReturnType<typeof latency>> | undefined;
  try {
    const base = {
      databaseUrl: database.appUrl,
      ownerUrl: database.url,
      natsUrl: nats.url,
      mps: MPS,
      concurrency: CONCURRENCY,
    };
    if (!ONLY || ONLY === 'drain' || ONLY === 'latency') {
      const one = await startHsmCluster({ ...base, automationReplicas: 1, metaReplicas: 1 });
      try {
        if (!ONLY || ONLY === 'drain') results.push(await drain(one, '1 replica each', false));
        if (!ONLY || ONLY === 'latency') lat = await latency(one);
      } finally {
        await one.close();
      }
    }
    if (!ONLY || ONLY === 'kill') {
      const two = await startHsmCluster({
        ...base,
        automationReplicas: 2,
        metaReplicas: 2,
        claimLeaseMs: 5000,
      });
      try {
        results.push(await drain(two, '2 replicas each, one of each killed', true));
      } finally {
        await two.close();
      }
    }
  } finally {
    await nats.stop();
    if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(database.name);
  }
  log(
    `\n| run | sends | drain | at cap (sends / ${MPS}) | 130429 | duplicates | lost | final states | target |`,
  );
  log('|---|---|---|---|---|---|---|---|---|');
  for (const result of results) reportDrain(result);
  if (lat) {
    log(`\n| lead.created → message at the sandbox | n | p50 | p95 | max | target |`);
    log('|---|---|---|---|---|---|');
    log(
      `| rule delay excluded | ${lat.count} | ${lat.p50.toFixed(0)} ms | ${lat.p95.toFixed(0)} ms | ${lat.max.toFixed(0)} ms | ` +
        `p95 ≤ 2000 ms: ${lat.p95 <= 2000 ? 'met' : 'NOT met'} |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
