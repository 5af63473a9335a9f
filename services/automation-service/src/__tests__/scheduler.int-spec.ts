import { randomUUID } from 'node:crypto';
import { TenantDatabase } from '@crm/nest-common';
import { waitFor } from '@crm/testing';
import type { DataSource } from 'typeorm';
import { BASE_RETRY_DELAY_MS } from '../scheduler/backoff';
import { SendStore, type SendRow } from '../sends/send-store';
import {
  historyOf,
  insertSend,
  openAutomationDataSource,
  saveRule,
  sendRow,
  startAutomationTestApp,
} from './automation-test-app';

/**
 * The schedule lives in the `sends` table. These tests need only the service's own database (and NATS for the
 * app): crm-service is deliberately not running, so a send that reaches the lead lookup cannot complete.
 */
describe('automation-service scheduler: durable schedule, claims, restarts', () => {
  /** Fixtures and checks, as the owner. */
  let owner: DataSource;
  /** Two replicas' connections, as the services log in (app role, row-level security). */
  let replicaA: DataSource;
  let replicaB: DataSource;

  beforeAll(async () => {
    owner = await openAutomationDataSource();
    replicaA = await openAutomationDataSource(process.env.DATABASE_URL!);
    replicaB = await openAutomationDataSource(process.env.DATABASE_URL!);
  });

  afterAll(async () => {
    await owner.destroy();
    await replicaA.destroy();
    await replicaB.destroy();
  });

  it('two concurrent schedulers (FOR UPDATE SKIP LOCKED) claim every due row exactly once', async () => {
    const tenantId = randomUUID();
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) {
      ids.add(
        await insertSend(owner, { tenantId, status: 'scheduled', dueAt: new Date(Date.now() - 1000 - i) }),
      );
    }
    const notDue = await insertSend(owner, {
      tenantId,
      status: 'scheduled',
      dueAt: new Date(Date.now() + 3600_000),
    });
    const storeA = new SendStore(new TenantDatabase(replicaA));
    const storeB = new SendStore(new TenantDatabase(replicaB));
    const drain = async (store: SendStore): Promise<SendRow[]> => {
      const all: SendRow[] = [];
      for (;;) {
        const batch = await store.claimDue(7);
        if (batch.length === 0) return all;
        all.push(...batch);
      }
    };
    const [byA, byB] = await Promise.all([drain(storeA), drain(storeB)]);
    // Other test files' rows may be claimed too: look at this tenant's only.
    const mineA = byA.filter((r) => r.tenant_id === tenantId).map((r) => r.id);
    const mineB = byB.filter((r) => r.tenant_id === tenantId).map((r) => r.id);
    expect(mineA.length + mineB.length).toBe(60);
    expect(new Set([...mineA, ...mineB])).toEqual(ids);
    expect(mineA.filter((id) => mineB.includes(id))).toEqual([]);
    expect(mineA.length).toBeGreaterThan(0);
    expect(mineB.length).toBeGreaterThan(0);
    const states: { status: string; attempts: number; claims: number }[] = await owner.query(
      `SELECT s.status, s.attempts,
              (SELECT count(*)::int FROM automation.send_events e
                WHERE e.send_id = s.id AND e.status = 'sending') AS claims
         FROM automation.sends s WHERE s.tenant_id = $1 AND s.id <> $2`,
      [tenantId, notDue],
    );
    expect(states).toHaveLength(60);
    // A claim is not yet an attempt in the history: "attempt N" is written when the request begins.
    expect(states.every((s) => s.status === 'sending' && s.attempts === 1 && s.claims === 0)).toBe(true);
    expect((await sendRow(owner, tenantId, notDue)).status).toBe('scheduled');
  });

  it('a fresh app instance picks up what was due while nothing ran: cancels, retries, and marks stuck sends unknown', async () => {
    // Written while no automation-service is running (e.g. all services were down).
    const disabledTenant = randomUUID();
    await saveRule(owner, disabledTenant, { enabled: false });
    const dueWhileDown = await insertSend(owner, {
      tenantId: disabledTenant,
      status: 'scheduled',
      dueAt: new Date(Date.now() - 60_000),
    });
    const enabledTenant = randomUUID();
    await saveRule(owner, enabledTenant, { enabled: true });
    const needsCrm = await insertSend(owner, {
      tenantId: enabledTenant,
      status: 'scheduled',
      dueAt: new Date(Date.now() - 1000),
    });
    // A replica died between claiming and getting an answer from WhatsApp, long ago.
    const stuck = await insertSend(owner, {
      tenantId: enabledTenant,
      status: 'sending',
      updatedAt: new Date(Date.now() - 10 * 60_000),
    });
    // Accepted by WhatsApp before the crash: it has a wamid, so its webhooks will settle it; not failed.
    const accepted = await insertSend(owner, {
      tenantId: enabledTenant,
      status: 'sending',
      wamid: `wamid.TEST${randomUUID()}`,
      updatedAt: new Date(Date.now() - 10 * 60_000),
    });

    const svc = await startAutomationTestApp({ pollMs: 100 });
    try {
      // Its rule was turned off: what saving it off would have done (cancelled), not an attempt.
      await waitFor(async () => (await sendRow(owner, disabledTenant, dueWhileDown)).status === 'cancelled', {
        what: 'the disabled-rule send to be cancelled',
      });
      const cancelledHistory = await historyOf(owner, disabledTenant, dueWhileDown);
      expect(cancelledHistory.map((h) => [h.status, h.detail])).toEqual([
        ['scheduled', 'fixture'],
        ['cancelled', 'rule disabled'],
      ]);
      expect((await sendRow(owner, disabledTenant, dueWhileDown)).attempts).toBe(0);

      // crm-service is not running: the lead lookup cannot answer, so the send goes back to `scheduled`, later.
      const retried = await waitFor(
        async () => {
          const row = await sendRow(owner, enabledTenant, needsCrm);
          return row.status === 'scheduled' && row.attempts === 1 ? row : undefined;
        },
        { what: 'the send to be rescheduled', timeoutMs: 20_000 },
      );
      expect(retried.error?.code).toBe('UPSTREAM_TIMEOUT');
      expect(retried.due_at.getTime()).toBeGreaterThan(Date.now() + BASE_RETRY_DELAY_MS - 15_000);
      const retryHistory = await historyOf(owner, enabledTenant, needsCrm);
      expect(retryHistory.map((h) => h.status)).toEqual(['scheduled', 'scheduled']);
      expect(retryHistory[1].detail).toMatch(/^UPSTREAM_TIMEOUT: .*retry at /);

      // Claimed before leases existed: whether its request left cannot be told, so `unknown` (never failed, never
      // re-sent blindly).
      const unknown = await waitFor(
        async () => {
          const row = await sendRow(owner, enabledTenant, stuck);
          return row.status === 'unknown' ? row : undefined;
        },
        { what: 'the stuck send to be unknown' },
      );
      expect(unknown.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', reason: 'outcome_unknown' });
      expect(unknown.attempts).toBe(0);
      const stuckHistory = await historyOf(owner, enabledTenant, stuck);
      expect(stuckHistory.at(-1)).toMatchObject({
        status: 'unknown',
        detail: 'lease expired while sending; outcome unknown, not re-sent',
      });
      expect((await sendRow(owner, enabledTenant, accepted)).status).toBe('sending');
    } finally {
      await svc.close();
    }
  });

  describe('per-row leases (issue 7, bug b: a batch stamped at claim time lost rows to another replica)', () => {
    const claimMine = async (store: SendStore, tenantId: string, leaseMs: number) =>
      (await store.claimDue(500, leaseMs)).filter((r) => r.tenant_id === tenantId);

    it("rows still waiting in one replica's batch are never swept by another while their lease holds", async () => {
      const tenantId = randomUUID();
      for (let i = 0; i < 5; i++) {
        await insertSend(owner, { tenantId, status: 'scheduled', dueAt: new Date(Date.now() - 1000 - i) });
      }
      const storeA = new SendStore(new TenantDatabase(replicaA));
      const storeB = new SendStore(new TenantDatabase(replicaB));
      const batch = await claimMine(storeA, tenantId, 60_000);
      expect(batch).toHaveLength(5);
      expect(new Set(batch.map((r) => r.lease_token)).size).toBe(5);
      // Meta answers slowly: the rows have sat in A's batch for ten minutes (the old sweep failed them by age).
      await owner.query(
        `UPDATE automation.sends SET updated_at = now() - interval '10 minutes' WHERE tenant_id = $1`,
        [tenantId],
      );
      await storeB.sweepExpiredLeases();
      const rows: { status: string }[] = await owner.query(
        `SELECT status FROM automation.sends WHERE tenant_id = $1`,
        [tenantId],
      );
      expect(rows.every((r) => r.status === 'sending')).toBe(true);
      // A still holds every row and may send each of them.
      for (const row of batch) {
        expect(await storeA.beginRequest(tenantId, row.id, row.lease_token!, 30_000)).toBe(true);
      }
    });

    it('an expired lease before the request began goes back to the schedule; after it began, unknown', async () => {
      const tenantId = randomUUID();
      const notBegun = await insertSend(owner, {
        tenantId,
        status: 'scheduled',
        dueAt: new Date(Date.now() - 2000),
      });
      const begun = await insertSend(owner, {
        tenantId,
        status: 'scheduled',
        dueAt: new Date(Date.now() - 1000),
      });
      const storeA = new SendStore(new TenantDatabase(replicaA));
      const storeB = new SendStore(new TenantDatabase(replicaB));
      const claimed = await claimMine(storeA, tenantId, 300);
      expect(claimed.map((r) => r.id)).toEqual([notBegun, begun]);
      const [first, second] = claimed;
      expect(await storeA.beginRequest(tenantId, second.id, second.lease_token!, 300)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 700));
      await storeB.sweepExpiredLeases();

      const rescheduled = await sendRow(owner, tenantId, notBegun);
      expect(rescheduled.status).toBe('scheduled');
      expect(rescheduled.attempts).toBe(0);
      const unknown = await sendRow(owner, tenantId, begun);
      expect(unknown.status).toBe('unknown');
      expect(unknown.error).toMatchObject({ code: 'OUTCOME_UNKNOWN', reason: 'outcome_unknown' });
      expect((await historyOf(owner, tenantId, notBegun)).map((h) => [h.status, h.detail])).toEqual([
        ['scheduled', 'fixture'],
        ['scheduled', 'lease expired before sending; rescheduled'],
      ]);
      expect((await historyOf(owner, tenantId, begun)).map((h) => [h.status, h.detail])).toEqual([
        ['scheduled', 'fixture'],
        ['sending', 'attempt 1'],
        ['unknown', 'lease expired while sending; outcome unknown, not re-sent'],
      ]);

      // The old holder can neither begin nor settle what it lost; the next claim (B) can.
      expect(await storeA.beginRequest(tenantId, first.id, first.lease_token!, 30_000)).toBe(false);
      expect(
        await storeA.finishAttempt(tenantId, first.id, 'skipped', {
          detail: 'x',
          leaseToken: first.lease_token!,
        }),
      ).toBe(false);
      const again = await claimMine(storeB, tenantId, 60_000);
      expect(again.map((r) => r.id)).toEqual([notBegun]);
      expect(again[0].lease_token).not.toBe(first.lease_token);
      expect(await storeA.beginRequest(tenantId, notBegun, first.lease_token!, 30_000)).toBe(false);
      expect(await storeB.beginRequest(tenantId, notBegun, again[0].lease_token!, 30_000)).toBe(true);
      // Never claimed again: an unknown send is not re-sent blindly.
      expect((await claimMine(storeB, tenantId, 60_000)).map((r) => r.id)).toEqual([]);
    });

    it('a paused tenant (token expired) keeps its due sends scheduled until the recheck time', async () => {
      const tenantId = randomUUID();
      const id = await insertSend(owner, {
        tenantId,
        status: 'scheduled',
        dueAt: new Date(Date.now() - 1000),
      });
      const store = new SendStore(new TenantDatabase(replicaA));
      await store.pauseTenant(tenantId, 'token expired', new Date(Date.now() + 60_000));
      expect(await claimMine(store, tenantId, 60_000)).toEqual([]);
      expect((await sendRow(owner, tenantId, id)).status).toBe('scheduled');
      await store.pauseTenant(tenantId, 'token expired', new Date(Date.now() - 1));
      expect((await claimMine(store, tenantId, 60_000)).map((r) => r.id)).toEqual([id]);
    });
  });
});
