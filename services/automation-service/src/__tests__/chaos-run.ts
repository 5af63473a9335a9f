import { startChaosMonkey, busyConsumers, waitFor, type ChaosKill, type RoundRobinFront } from '@crm/testing';
import { CLUSTER_SERVICES, type HsmCluster } from './hsm-cluster';

/**
 * The chaos proof (issue 9): while a killer `kill -9`s a random replica every few seconds (never the last of a
 * service) and restarts it, N seeded sends fall due and M WhatsApp messages from new numbers arrive as signed
 * webhooks through the front (half Click-to-WhatsApp with a `referral`, half plain; some delivered twice, as Meta
 * redelivers). Then, the killer stopped and every consumer idle, it counts what a user would notice: messages per
 * recipient at the sandbox, each send's final state, leads per sender. Used by chaos.int-spec.ts (small) and
 * bench/chaos.bench.ts (full size).
 */
export type ChaosRunOptions = {
  sends: number;
  webhooks: number;
  /** Mean time between kills (± 25 %). */
  killEveryMs: number;
  /** A killed replica is started again after this long (as a supervisor would). */
  restartAfterMs: number;
  /** Webhooks posted per second (default: the number's messages per second, so both loads overlap). */
  webhooksPerSecond: number;
  /** Share of inbound messages Meta delivers a second time (default 0.1). */
  redeliverShare?: number;
  /** How long sends may take to settle after the workload (default 180 s). */
  settleTimeoutMs?: number;
  random?: () => number;
  log?: (line: string) => void;
};

export type ChaosResult = {
  sends: number;
  webhooks: number;
  redelivered: number;
  kills: ChaosKill[];
  restartErrors: string[];
  /** Seeded recipients with no message at the sandbox / messages beyond the first per recipient. */
  lostSends: number;
  duplicateSends: number;
  /** Messages to anyone who was not a seeded recipient. */
  strayMessages: number;
  /** Seeded sends not in a final state (status → count); `failed` without a reason counts here too. */
  notFinal: Record<string, number>;
  /** The seeded sends by final status. */
  states: Record<string, number>;
  /** Sends that were `unknown` at some point (all of them reconciled when `notFinal` is empty). */
  unknownReconciled: number;
  /** How long after every consumer and outbox looked idle the last sender's lead appeared. */
  leadsLateSeconds: number;
  /** Senders with no lead / leads beyond the first per sender. */
  lostLeads: number;
  duplicateLeads: number;
  /** Webhooks (inbound and statuses) the sandbox gave up on after all its tries. */
  undeliveredWebhooks: number;
  /** Dead letters and outbox rows parked during the run (every schema). */
  parked: number;
  throughputRejections: number;
  /** Why the consumers were not all idle at the end (undefined when they were). */
  consumersBusy: string | undefined;
  front: RoundRobinFront['stats'] | undefined;
  wallSeconds: number;
};

const digits = (phone: string) => phone.replace(/\D/g, '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FINAL = ['sent', 'delivered', 'read', 'replied', 'skipped'];

/** Meta's redelivery of a body it already delivered: same bytes, same signature, retried until 2xx. */
async function redeliver(url: string, body: string, signature: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const status = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
      body,
    }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 0,
    );
    if (status >= 200 && status < 300) return;
    if (attempt >= 9) throw new Error(`redelivery refused ${attempt + 1} times (last ${status})`);
    await sleep(250 * 2 ** Math.min(attempt, 5));
  }
}

export async function runChaos(cluster: HsmCluster, options: ChaosRunOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const settleTimeoutMs = options.settleTimeoutMs ?? 180_000;
  const random = options.random ?? Math.random;
  const started = Date.now();
  const runStart = new Date();
  const { sandbox, owner, tenantId } = cluster;

  log(`seeding ${options.sends} leads with a scheduled follow-up each…`);
  const seeded = await cluster.seedScheduledSends(options.sends);
  const seededLeadIds = seeded.map((lead) => lead.id);
  // Senders from another country code than the seeded (Mexican) recipients: the two sets never meet.
  const tag = String(10 + Math.floor(random() * 90));
  const senders = Array.from(
    { length: options.webhooks },
    (_, i) => `+573${tag}${String(i).padStart(7, '0')}`,
  );

  const monkey = startChaosMonkey({
    targets: CLUSTER_SERVICES.filter((service) => cluster.replicas[service].length > 0).map((service) => ({
      service,
      replicas: () => cluster.replicas[service],
      restart: (index: number) => cluster.restart(service, index),
    })),
    everyMs: options.killEveryMs,
    restartAfterMs: options.restartAfterMs,
    random,
    log,
  });

  const progress = setInterval(() => {
    const accepted = sandbox.state.webhooks.filter((d) => d.kind === 'message' && d.delivered).length;
    log(
      `+${((Date.now() - started) / 1000).toFixed(0)} s: ${sandbox.state.messages.length}/${options.sends} sends at ` +
        `the sandbox, ${accepted}/${options.webhooks} inbound messages accepted, ${monkey.kills.length} kills`,
    );
  }, 15_000);
  let redelivered = 0;
  const redeliveries: Promise<void>[] = [];
  const redeliveryErrors: string[] = [];
  try {
    log(`${await cluster.makeAllDue()} sends due; posting ${options.webhooks} inbound messages…`);
    const postStart = Date.now();
    let next = 0;
    const poster = async () => {
      while (next < senders.length) {
        const i = next++;
        const due = postStart + (i * 1000) / options.webhooksPerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        const ctwa = i % 2 === 0;
        const response = await fetch(`${cluster.sandboxUrl}/_sandbox/${ctwa ? 'ctwa' : 'reply'}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            from: senders[i],
            name: `Contacto ${i}`,
            text: ctwa ? undefined : `Hola, soy el contacto ${i}`,
            adId: ctwa ? cluster.ids.ctwaAdIds[i % cluster.ids.ctwaAdIds.length] : undefined,
          }),
        });
        if (!response.ok)
          throw new Error(`sandbox inbound: HTTP ${response.status} ${await response.text()}`);
        const { wamid } = (await response.json()) as { wamid: string };
        if (random() < (options.redeliverShare ?? 0.1)) {
          redelivered += 1;
          redeliveries.push(
            (async () => {
              // Meta repeats a webhook it delivered; one whose first delivery is still being retried (kills cut its
              // tries) has nothing to repeat yet. Not a failure here: a message never delivered is a lost lead below.
              const delivery = await waitFor(
                () => sandbox.state.webhooks.find((d) => d.meta.wamid === wamid && d.delivered),
                { what: `first delivery of ${wamid}`, timeoutMs: settleTimeoutMs, intervalMs: 200 },
              ).catch(() => undefined);
              if (!delivery) {
                redelivered -= 1;
                log(`no redelivery of ${wamid}: its first delivery did not succeed within the settle time`);
                return;
              }
              await redeliver(cluster.webhookUrl, delivery.body, delivery.signature);
            })().catch((error: unknown) => {
              redeliveryErrors.push(String(error));
            }),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, poster));
    log(`inbound messages posted; waiting for every send to reach the sandbox…`);
    await waitFor(() => sandbox.state.messages.length >= options.sends, {
      what: 'every send at the sandbox',
      timeoutMs: settleTimeoutMs,
      intervalMs: 200,
    }).catch(() => log('not every send reached the sandbox in time (counted as lost below)'));
  } finally {
    clearInterval(progress);
    await monkey.stop();
    log(`killer stopped after ${monkey.kills.length} kills; every replica is back`);
  }
  await Promise.all(redeliveries);

  // Settle: the sandbox's webhooks delivered or given up, every consumer idle, every seeded send final.
  await waitFor(() => sandbox.state.webhooks.every((d) => d.settled), {
    what: 'every sandbox webhook settled',
    timeoutMs: settleTimeoutMs,
    intervalMs: 250,
  });
  const seededStates = async () => {
    const { rows } = await owner.query<{ status: string; reason: boolean; n: number }>(
      `SELECT status, error IS NOT NULL AS reason, count(*)::int AS n FROM automation.sends
        WHERE tenant_id = $1 AND lead_id = ANY($2::uuid[]) GROUP BY 1, 2`,
      [tenantId, seededLeadIds],
    );
    const states: Record<string, number> = {};
    const notFinal: Record<string, number> = {};
    for (const row of rows) {
      const final = FINAL.includes(row.status) || (row.status === 'failed' && row.reason);
      const key = row.status === 'failed' && !row.reason ? 'failed without reason' : row.status;
      (final ? states : notFinal)[key] = ((final ? states : notFinal)[key] ?? 0) + row.n;
    }
    return { states, notFinal };
  };
  await waitFor(async () => Object.keys((await seededStates()).notFinal).length === 0, {
    what: 'every seeded send final',
    timeoutMs: settleTimeoutMs,
    intervalMs: 1000,
  }).catch(() => log('not every send is final (counted below)'));
  // Idle means every consumer idle *and* every outbox published (an event waits there between the acknowledgement
  // of what caused it and its publication), three times in a row a second apart.
  const outboxes = await owner.query<{ table_schema: string }>(
    `SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'`,
  );
  const unpublished = async () => {
    let n = 0;
    for (const { table_schema: schema } of outboxes.rows) {
      const { rows } = await owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE published_at IS NULL AND parked_at IS NULL`,
      );
      n += rows[0].n;
    }
    return n;
  };
  let quietChecks = 0;
  let lastBusy = '';
  const consumersBusy = await waitFor(
    async () => {
      const busy = await busyConsumers(CLUSTER_SERVICES.filter((service) => service !== 'gateway'));
      const waiting = await unpublished();
      lastBusy = [...busy, ...(waiting > 0 ? [`${waiting} unpublished outbox rows`] : [])].join(', ');
      quietChecks = lastBusy === '' ? quietChecks + 1 : 0;
      return quietChecks >= 3;
    },
    { what: 'every consumer idle and every outbox published', timeoutMs: settleTimeoutMs, intervalMs: 1000 },
  ).then(
    () => undefined,
    () => lastBusy || 'not quiet three times in a row',
  );

  // A message a killed replica had taken is redelivered only after its ack wait (60 s), and the consumer's counts may
  // not show it meanwhile: give every sender's lead until the settle timeout, and report how late the last came.
  const quietAt = Date.now();
  const leadCount = async () =>
    (
      await owner.query<{ n: number }>(
        `SELECT count(DISTINCT phone)::int AS n FROM crm.leads WHERE tenant_id = $1 AND phone = ANY($2)`,
        [tenantId, senders],
      )
    ).rows[0].n;
  await waitFor(async () => (await leadCount()) === senders.length, {
    what: 'a lead for every sender',
    timeoutMs: settleTimeoutMs,
    intervalMs: 1000,
  }).catch(() => undefined);
  const leadsLateSeconds = (Date.now() - quietAt) / 1000;
  if (leadsLateSeconds > 2)
    log(`the last leads came ${leadsLateSeconds.toFixed(0)} s after the system looked idle`);
  const counts = cluster.messageCounts();
  const seededRecipients = new Set(seeded.map((lead) => digits(lead.phone)));
  const perRecipient = seeded.map((lead) => counts.get(digits(lead.phone)) ?? 0);
  const strayMessages = [...counts.entries()]
    .filter(([to]) => !seededRecipients.has(to))
    .reduce((sum, [, n]) => sum + n, 0);
  const { states, notFinal } = await seededStates();
  const unknown = await owner.query<{ n: number }>(
    `SELECT count(DISTINCT e.send_id)::int AS n FROM automation.send_events e
       JOIN automation.sends s ON s.id = e.send_id
      WHERE s.tenant_id = $1 AND e.status = 'unknown'`,
    [tenantId],
  );
  const leads = await owner.query<{ phone: string; n: number }>(
    `SELECT phone, count(*)::int AS n FROM crm.leads WHERE tenant_id = $1 AND phone = ANY($2) GROUP BY phone`,
    [tenantId, senders],
  );
  const leadCounts = new Map(leads.rows.map((row) => [row.phone, row.n]));
  const schemas = await owner.query<{ table_schema: string }>(
    `SELECT table_schema FROM information_schema.tables WHERE table_name = 'dead_letters'`,
  );
  let parked = 0;
  for (const { table_schema: schema } of schemas.rows) {
    const { rows } = await owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".dead_letters WHERE parked_at >= $1`,
      [runStart],
    );
    parked += rows[0].n;
  }
  for (const { table_schema: schema } of outboxes.rows) {
    const { rows } = await owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE parked_at >= $1`,
      [runStart],
    );
    parked += rows[0].n;
  }
  const restartErrors = [...monkey.errors, ...redeliveryErrors];
  return {
    sends: options.sends,
    webhooks: options.webhooks,
    redelivered,
    kills: monkey.kills,
    restartErrors,
    lostSends: perRecipient.filter((n) => n === 0).length,
    duplicateSends: perRecipient.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    strayMessages,
    notFinal,
    states,
    unknownReconciled: unknown.rows[0].n,
    leadsLateSeconds,
    lostLeads: senders.filter((phone) => !leadCounts.has(phone)).length,
    duplicateLeads: [...leadCounts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    undeliveredWebhooks: sandbox.state.webhooks.filter((d) => !d.delivered).length,
    parked,
    throughputRejections: sandbox.state.limitRejections.throughput,
    consumersBusy,
    front: cluster.front ? { ...cluster.front.stats } : undefined,
    wallSeconds: (Date.now() - started) / 1000,
  };
}

/** What failed, or an empty list when the run proves the claim. */
export function chaosFailures(result: ChaosResult): string[] {
  const failures: [boolean, string][] = [
    [result.lostSends > 0, `${result.lostSends} sends lost`],
    [result.duplicateSends > 0, `${result.duplicateSends} duplicate sends`],
    [result.strayMessages > 0, `${result.strayMessages} messages to no seeded recipient`],
    [Object.keys(result.notFinal).length > 0, `not final: ${JSON.stringify(result.notFinal)}`],
    [result.lostLeads > 0, `${result.lostLeads} leads lost`],
    [result.duplicateLeads > 0, `${result.duplicateLeads} duplicate leads`],
    [result.undeliveredWebhooks > 0, `${result.undeliveredWebhooks} webhooks never accepted`],
    [result.parked > 0, `${result.parked} dead letters`],
    [result.throughputRejections > 0, `${result.throughputRejections} × 130429`],
    [result.consumersBusy !== undefined, `consumers busy: ${result.consumersBusy}`],
    [result.restartErrors.length > 0, `harness: ${result.restartErrors.join('; ')}`],
  ];
  return failures.filter(([failed]) => failed).map(([, what]) => what);
}
