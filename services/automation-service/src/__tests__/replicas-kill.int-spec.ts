import { ownerDatabaseUrl, waitFor } from '@crm/testing';
import { startHsmCluster, type HsmCluster } from './hsm-cluster';

const SENDS = 240;
const digits = (phone: string) => phone.replace(/\D/g, '');

/**
 * Issue 7, exactly once for real: two replicas of automation-service and two of meta-ads-service as processes,
 * many due sends, and one replica of each kind killed with SIGKILL mid-run. The sandbox's message log is the
 * truth: every recipient gets exactly one message, and every send ends settled (none left scheduled, sending or
 * unknown).
 */
describe('two replicas of each worker, kill -9 mid-run: every send reaches WhatsApp exactly once', () => {
  let cluster: HsmCluster;

  beforeAll(async () => {
    cluster = await startHsmCluster({
      databaseUrl: process.env.DATABASE_URL!,
      ownerUrl: ownerDatabaseUrl(),
      natsUrl: process.env.NATS_URL!,
      replicas: { 'automation-service': 2, 'meta-ads-service': 2 },
      // Slow enough that the kills land mid-run on a busy machine.
      mps: 20,
      claimLeaseMs: 3000,
      statusDelayMs: 100,
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('no duplicate, none lost, 0 × 130429', async () => {
    const leads = await cluster.createLeads(SENDS);
    await cluster.waitScheduled(SENDS);
    expect(await cluster.makeAllDue()).toBe(SENDS);
    await waitFor(() => cluster.sandbox.state.messages.length >= SENDS / 4, {
      what: 'a quarter of the sends to go out',
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    cluster.kill(cluster.automation[0]);
    cluster.kill(cluster.meta[0]);

    await waitFor(
      async () => {
        const states = await cluster.sendStates();
        return !states.scheduled && !states.sending && !states.unknown ? states : undefined;
      },
      { what: 'every send to settle', timeoutMs: 240_000, intervalMs: 1000 },
    );
    const counts = cluster.messageCounts();
    const perLead = leads.map((lead) => counts.get(digits(lead.phone)) ?? 0);
    expect(perLead.filter((n) => n === 0)).toHaveLength(0);
    expect(perLead.filter((n) => n > 1)).toHaveLength(0);
    expect(cluster.sandbox.state.messages).toHaveLength(SENDS);
    expect(cluster.sandbox.state.limitRejections.throughput).toBe(0);
    const states = await cluster.sendStates();
    expect((states.sent ?? 0) + (states.delivered ?? 0) + (states.read ?? 0)).toBe(SENDS);
  }, 420_000);
});
