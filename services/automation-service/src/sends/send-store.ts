import { Injectable } from '@nestjs/common';
import {
  HISTORY_ATTEMPT_PREFIX,
  HISTORY_LEASE_EXPIRED_BEFORE_SENDING,
  HISTORY_LEASE_EXPIRED_WHILE_SENDING,
  HISTORY_RETIMED_PREFIX,
  sendHistory,
  type AutomationLogView,
  AutomationMetrics,
  ListLogsRequest,
  Page,
  SendHistoryEntry,
  SendReason,
  SendState,
  SendStatus,
} from '@crm/contracts';
import { TenantDatabase, cappedCountSql, cappedTotal, preparedQuery } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { dayRange } from './log-day';
import { nextStatus, revives, timestampsFor, type DeliveryUpdate } from './send-status';

export type SendError = { code: string; message: string; reason?: SendReason; metaCode?: number };

/** What a send goes out as, recorded on it when it is begun or finished: fresh lead data, the rule's template. */
export type SendDetails = {
  phone: string;
  leadName: string;
  templateName: string | null;
  templateLanguage: string | null;
};

export type SendRow = {
  id: string;
  tenant_id: string;
  rule_key: string;
  lead_id: string;
  /** One occurrence of the rule (`UNIQUE (tenant_id, occurrence_key)`); also the send's idempotency key. */
  occurrence_key: string;
  opportunity_id: string | null;
  sale_id: string | null;
  phone: string | null;
  lead_name: string | null;
  template_name: string | null;
  template_language: string | null;
  status: SendStatus;
  manual: boolean;
  due_at: Date;
  /** What `due_at` counts from (the event's time or the deadline); null for a person's trigger. */
  anchor_at: Date | null;
  wamid: string | null;
  error: SendError | null;
  attempts: number;
  /** This claim's lease (issue 7): only its holder may send or settle the row, until `lease_until`. */
  lease_token: string | null;
  lease_until: Date | null;
  /** Set when the request to meta-ads-service was about to leave: after it, the outcome may be unknown. */
  requested_at: Date | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  replied_at: Date | null;
  failed_at: Date | null;
};

type HistoryRow = { send_id: string; status: SendStatus; detail: string | null; at: Date };

/** Which send a delivery update is for: its id, or a status webhook's wamid and the id its callback data names. */
export type DeliveryTarget = string | { wamid: string; callbackSendId: string | null };
/** What a delivery update says: when, the history line, and (a status webhook) the wamid and Meta's error. */
export type DeliveryEvent = { at: Date; detail: string; wamid?: string; error?: SendError };

export type NewSend = {
  tenantId: string;
  ruleKey: string;
  leadId: string;
  /** Default (null): `<rule>:<lead>`, the old once-per-lead meaning. */
  occurrenceKey?: string | null;
  opportunityId?: string | null;
  saleId?: string | null;
  phone: string | null;
  leadName: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  dueAt: Date;
  /** What `dueAt` counts from (see `Occurrence.anchorAt`); a rule's new timing recomputes `dueAt` from it. */
  anchorAt?: Date | null;
  manual: boolean;
  /** First line of the history. */
  detail: string;
  /**
   * The send is created already `cancelled`, with this as its second history line: a cancellation handled before
   * the event that schedules it (events out of order) left a tombstone.
   */
  cancelledBecause?: string;
};

export const DEFAULT_LOG_PAGE_SIZE = 25;
/** A reply within this window after a send counts as a reply to it. */
export const REPLY_WINDOW_DAYS = 7;

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export function toLogView(row: SendRow, history: SendHistoryEntry[]): AutomationLogView {
  return {
    id: row.id,
    ruleKey: row.rule_key,
    leadId: row.lead_id,
    leadName: row.lead_name,
    phone: row.phone,
    templateName: row.template_name,
    templateLanguage: row.template_language,
    status: row.status,
    wamid: row.wamid,
    error: row.error,
    scheduledFor: row.due_at.toISOString(),
    sentAt: iso(row.sent_at),
    deliveredAt: iso(row.delivered_at),
    readAt: iso(row.read_at),
    repliedAt: iso(row.replied_at),
    history,
    occurrenceKey: row.occurrence_key,
    opportunityId: row.opportunity_id,
    saleId: row.sale_id,
  };
}

/**
 * Every read and write of `automation.sends` / `automation.send_events`. Each status change and its history row
 * are written by one statement (data-modifying CTE) or one transaction, so the log never disagrees with the row.
 * Every query runs in a tenant-scoped transaction (`TenantDatabase.withTenant`) and filters by tenant, except the
 * scheduler's claim and stuck sweep: named system transactions that work across tenants and hand each row (with
 * its tenant) to code that is scoped to it again.
 */
@Injectable()
export class SendStore {
  constructor(private readonly db: TenantDatabase) {}

  /** One statement in its own tenant-scoped transaction. */
  private query<T>(tenantId: string, sql: string, parameters: unknown[]): Promise<T> {
    return this.db.withTenant(tenantId, (db) => db.query(sql, parameters) as Promise<T>);
  }

  /** `query` as a prepared statement (`preparedQuery`): for the send path's fixed statements that name their columns. */
  private prepared<T>(tenantId: string, sql: string, parameters: unknown[]): Promise<T[]> {
    return this.db.withTenant(tenantId, (db) => preparedQuery<T>(db, sql, parameters));
  }

  /**
   * Insert a `scheduled` send unless its occurrence already has one — ever. Null when it existed. With
   * `cancelledBecause` it is written as scheduled-then-cancelled in the same statement (two history rows).
   */
  async insertScheduled(send: NewSend): Promise<SendRow | null> {
    const rows: SendRow[] = await this.query(
      send.tenantId,
      `WITH inserted AS (
         INSERT INTO automation.sends
           (tenant_id, rule_key, lead_id, phone, lead_name, template_name, template_language, status, manual, due_at,
            occurrence_key, opportunity_id, sale_id, anchor_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $14::text IS NULL THEN 'scheduled' ELSE 'cancelled' END,
                 $8, $9, $11, $12, $13, $15)
         ON CONFLICT ON CONSTRAINT sends_tenant_occurrence_key DO NOTHING
         RETURNING *
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail, at)
         SELECT id, tenant_id, 'scheduled', $10, created_at FROM inserted
         UNION ALL
         SELECT id, tenant_id, 'cancelled', $14::text, created_at FROM inserted WHERE $14::text IS NOT NULL
       )
       SELECT * FROM inserted`,
      [
        send.tenantId,
        send.ruleKey,
        send.leadId,
        send.phone,
        send.leadName,
        send.templateName,
        send.templateLanguage,
        send.manual,
        send.dueAt,
        send.detail,
        send.occurrenceKey ?? null,
        send.opportunityId ?? null,
        send.saleId ?? null,
        send.cancelledBecause ?? null,
        send.anchorAt ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * Claim up to `limit` due sends: `scheduled` → `sending`, attempts + 1, each with a lease of its own (a random
   * token, until now + `leaseMs`). `FOR UPDATE SKIP LOCKED` makes concurrent schedulers (replicas) claim disjoint
   * rows; tenants whose sends are paused (token expired) are left alone until their recheck time. No history row
   * yet: a claim that ends before its request begins (deferred to the send window, skipped, cancelled) is not an
   * attempt; `beginRequest` writes "attempt N".
   */
  async claimDue(limit: number, leaseMs = 60_000): Promise<SendRow[]> {
    return this.db.asSystem('scheduler: claim due sends', (db) =>
      db.query(
        `WITH claimed AS (
         UPDATE automation.sends s
            SET status = 'sending', attempts = s.attempts + 1, updated_at = now(),
                lease_token = gen_random_uuid(),
                lease_until = now() + make_interval(secs => $2::double precision / 1000),
                requested_at = NULL
          WHERE s.id IN (
            SELECT id FROM automation.sends d
             WHERE d.status = 'scheduled' AND d.due_at <= now()
               AND NOT EXISTS (SELECT 1 FROM automation.send_pauses p
                                WHERE p.tenant_id = d.tenant_id AND p.recheck_at > now())
             ORDER BY d.due_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED)
         RETURNING s.*
       )
       SELECT * FROM claimed ORDER BY due_at`,
        [limit, leaseMs],
      ),
    );
  }

  /**
   * The last step before the request leaves: only while this claim still holds an unexpired lease (a row claimed
   * without one: while it is still `sending`), stamp `requested_at`, record what is being sent (`details`) and
   * extend the lease to cover the call. False: the row is no longer ours (swept, expired, failed as stuck) — do not
   * send. From here on a lost answer means `unknown`, never "not sent". This is the attempt: its history row
   * ("attempt N") is written here, in the same statement.
   */
  async beginRequest(
    tenantId: string,
    id: string,
    leaseToken: string | null,
    leaseMs: number,
    details?: SendDetails,
  ): Promise<boolean> {
    const rows = await this.prepared<{ id: string }>(
      tenantId,
      `WITH begun AS (
         UPDATE automation.sends
            SET requested_at = now(), updated_at = now(),
                lease_until = now() + make_interval(secs => $4::double precision / 1000),
                phone = COALESCE($5, phone), lead_name = COALESCE($6, lead_name),
                template_name = COALESCE($7, template_name), template_language = COALESCE($8, template_language)
          WHERE tenant_id = $1 AND id = $2 AND status = 'sending' AND wamid IS NULL
            AND ($3::uuid IS NULL OR (lease_token = $3::uuid AND lease_until > now()))
         RETURNING id, tenant_id, attempts
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, 'sending', $9::text || attempts FROM begun
       )
       SELECT id FROM begun`,
      [
        tenantId,
        id,
        leaseToken,
        leaseMs,
        details?.phone ?? null,
        details?.leadName ?? null,
        details?.templateName ?? null,
        details?.templateLanguage ?? null,
        HISTORY_ATTEMPT_PREFIX,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Sends whose lease ran out (the replica died or stalled). Never failed, never re-sent blindly: a claim that had
   * not begun its request goes back to `scheduled` (nothing left us, and its old holder can no longer begin: the
   * token is gone), one that had is `unknown` — reconciliation or a status webhook settles it. A row claimed
   * before leases existed (no token) is `unknown` too: whether its request left cannot be told.
   */
  async sweepExpiredLeases(): Promise<{ rescheduled: number; unknown: number }> {
    const detail = HISTORY_LEASE_EXPIRED_WHILE_SENDING;
    const rows: { rescheduled: number; unknown: number }[] = await this.db.asSystem(
      'scheduler: sweep expired leases',
      (db) =>
        preparedQuery(
          db,
          `WITH expired AS (
           SELECT id FROM automation.sends
            WHERE status = 'sending' AND wamid IS NULL
              AND (lease_until < now()
                   OR (lease_until IS NULL AND updated_at < now() - interval '10 minutes'))
            FOR UPDATE SKIP LOCKED
         ), swept AS (
           UPDATE automation.sends s
              SET status = CASE WHEN s.requested_at IS NULL AND s.lease_token IS NOT NULL
                                THEN 'scheduled' ELSE 'unknown' END,
                  attempts = CASE WHEN s.requested_at IS NULL AND s.lease_token IS NOT NULL
                                  THEN greatest(s.attempts - 1, 0) ELSE s.attempts END,
                  error = CASE WHEN s.requested_at IS NULL AND s.lease_token IS NOT NULL THEN s.error
                               ELSE jsonb_build_object('code', 'OUTCOME_UNKNOWN', 'message', $1::text,
                                                       'reason', 'outcome_unknown') END,
                  lease_token = NULL, lease_until = NULL, updated_at = now()
             FROM expired WHERE s.id = expired.id
           RETURNING s.id, s.tenant_id, s.status
         ), history AS (
           INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
           SELECT id, tenant_id, status,
                  CASE WHEN status = 'scheduled' THEN $2::text ELSE $1::text END
             FROM swept
         )
         SELECT count(*) FILTER (WHERE status = 'scheduled')::int AS rescheduled,
                count(*) FILTER (WHERE status = 'unknown')::int AS unknown
           FROM swept`,
          [detail, HISTORY_LEASE_EXPIRED_BEFORE_SENDING],
        ),
    );
    return rows[0];
  }

  /** `unknown` sends not looked at for `olderThanMs`, oldest first, for reconciliation (system, across tenants). */
  async unknownToReconcile(limit: number, olderThanMs: number): Promise<SendRow[]> {
    return this.db.asSystem('scheduler: unknown sends to reconcile', (db) =>
      db.query(
        `WITH picked AS (
           SELECT id FROM automation.sends
            WHERE status = 'unknown' AND wamid IS NULL
              AND updated_at < now() - make_interval(secs => $2::double precision / 1000)
            ORDER BY updated_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED
         ), touched AS (
           UPDATE automation.sends s SET updated_at = now() FROM picked WHERE s.id = picked.id RETURNING s.*
         )
         SELECT * FROM touched`,
        [limit, olderThanMs],
      ),
    );
  }

  /**
   * Settle an `unknown` send from what meta-ads-service knows: `accepted` stores the wamid (its webhooks move it
   * on), `not_sent` puts it back in the schedule (the same idempotency key can never send twice), `failed` ends it.
   */
  async settleUnknown(
    tenantId: string,
    id: string,
    settlement:
      | { kind: 'accepted'; wamid: string }
      | { kind: 'not_sent'; dueAt: Date; detail: string }
      | { kind: 'failed'; error: SendError; detail: string },
  ): Promise<boolean> {
    const to =
      settlement.kind === 'accepted' ? 'unknown' : settlement.kind === 'not_sent' ? 'scheduled' : 'failed';
    const rows: { count: number }[] = await this.query(
      tenantId,
      `WITH changed AS (
         UPDATE automation.sends
            SET status = $3::text, updated_at = now(),
                wamid = COALESCE($4::text, wamid),
                due_at = COALESCE($5::timestamptz, due_at),
                error = CASE WHEN $3::text = 'failed' THEN $6::jsonb
                             WHEN $3::text = 'scheduled' THEN NULL ELSE error END,
                failed_at = CASE WHEN $3::text = 'failed' THEN now() ELSE failed_at END,
                requested_at = CASE WHEN $3::text = 'scheduled' THEN NULL ELSE requested_at END
          WHERE tenant_id = $1 AND id = $2 AND status = 'unknown' AND wamid IS NULL
         RETURNING id, tenant_id, status
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, status, $7 FROM changed
       )
       SELECT count(*)::int AS count FROM changed`,
      [
        tenantId,
        id,
        to,
        settlement.kind === 'accepted' ? settlement.wamid : null,
        settlement.kind === 'not_sent' ? settlement.dueAt : null,
        settlement.kind === 'failed' ? JSON.stringify(settlement.error) : null,
        settlement.kind === 'accepted' ? sendHistory.reconciledAccepted() : settlement.detail,
      ],
    );
    return rows[0].count > 0;
  }

  /** Hold a tenant's sends (they stay scheduled) until `recheckAt`, e.g. its Meta token expired. */
  async pauseTenant(tenantId: string, message: string, recheckAt: Date): Promise<void> {
    await this.query(
      tenantId,
      `INSERT INTO automation.send_pauses (tenant_id, reason, message, recheck_at)
       VALUES ($1, 'token_expired', $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET message = EXCLUDED.message, recheck_at = EXCLUDED.recheck_at`,
      [tenantId, message, recheckAt],
    );
  }

  /** The connection works again: the tenant's sends go out. */
  async resumeTenant(tenantId: string): Promise<void> {
    await this.query(tenantId, `DELETE FROM automation.send_pauses WHERE tenant_id = $1`, [tenantId]);
  }

  async pauseOf(tenantId: string): Promise<{ message: string; recheck_at: Date; paused_at: Date } | null> {
    const rows: { message: string; recheck_at: Date; paused_at: Date }[] = await this.query(
      tenantId,
      `SELECT message, recheck_at, paused_at FROM automation.send_pauses WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows[0] ?? null;
  }

  /**
   * Leave `sending` for `skipped`, `cancelled`, `failed`, `unknown` or back to `scheduled` (retry at `dueAt`). Only from
   * `sending` and, with `leaseToken`, only while this claim holds the row: a row swept or re-claimed meanwhile is
   * not touched. `refundAttempt`: the attempt does not count (held back before anything left, e.g. pacing).
   * `details`: what the send was checked as (e.g. skipped by the recipient guard), recorded with it.
   */
  async finishAttempt(
    tenantId: string,
    id: string,
    to: 'skipped' | 'cancelled' | 'failed' | 'scheduled' | 'unknown',
    options: {
      detail: string;
      error?: SendError;
      dueAt?: Date;
      leaseToken?: string;
      refundAttempt?: boolean;
      details?: SendDetails;
    },
  ): Promise<boolean> {
    const { details } = options;
    const rows = await this.prepared<{ count: number }>(
      tenantId,
      `WITH changed AS (
         UPDATE automation.sends
            SET status = $3::text, updated_at = now(),
                phone = COALESCE($9, phone), lead_name = COALESCE($10, lead_name),
                template_name = COALESCE($11, template_name), template_language = COALESCE($12, template_language),
                error = $4::jsonb,
                due_at = COALESCE($5::timestamptz, due_at),
                failed_at = CASE WHEN $3::text = 'failed' THEN now() ELSE failed_at END,
                attempts = CASE WHEN $8::boolean THEN greatest(attempts - 1, 0) ELSE attempts END,
                requested_at = CASE WHEN $3::text = 'scheduled' THEN NULL ELSE requested_at END,
                lease_token = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND id = $2 AND status = 'sending' AND wamid IS NULL
            AND ($7::uuid IS NULL OR lease_token = $7::uuid)
         RETURNING id, tenant_id, status
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, status, $6 FROM changed
       )
       SELECT count(*)::int AS count FROM changed`,
      [
        tenantId,
        id,
        to,
        options.error ? JSON.stringify(options.error) : null,
        options.dueAt ?? null,
        options.detail,
        options.leaseToken ?? null,
        options.refundAttempt ?? false,
        details?.phone ?? null,
        details?.leadName ?? null,
        details?.templateName ?? null,
        details?.templateLanguage ?? null,
      ],
    );
    return rows[0].count > 0;
  }

  /** WhatsApp accepted the message: keep the wamid (status webhooks find the send by it). */
  async markAccepted(tenantId: string, id: string, wamid: string, detail: string): Promise<void> {
    await this.prepared(
      tenantId,
      `WITH changed AS (
         UPDATE automation.sends SET wamid = $3, error = NULL, updated_at = now(),
                lease_token = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND id = $2 AND (wamid IS NULL OR wamid = $3)
         RETURNING id, tenant_id, status
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, status, $4 FROM changed WHERE status IN ('sending', 'unknown')
       )
       SELECT count(*)::int AS count FROM changed`,
      [tenantId, id, wamid, detail],
    );
  }

  /** The send of one occurrence (status and error), if it has one. */
  async findByOccurrence(
    tenantId: string,
    occurrenceKey: string,
  ): Promise<Pick<SendRow, 'id' | 'status' | 'error'> | null> {
    const rows: Pick<SendRow, 'id' | 'status' | 'error'>[] = await this.query(
      tenantId,
      `SELECT id, status, error FROM automation.sends WHERE tenant_id = $1 AND occurrence_key = $2`,
      [tenantId, occurrenceKey],
    );
    return rows[0] ?? null;
  }

  /** Sends an inbound message from `phone` at `at` answers: the quoted message, or a recent one to that phone. */
  async findRepliedTo(
    tenantId: string,
    phone: string,
    contextWamid: string | null,
    at: Date,
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.query(
      tenantId,
      `SELECT id FROM automation.sends
        WHERE tenant_id = $1
          AND (($3::text IS NOT NULL AND wamid = $3::text)
               OR (phone = $2 AND status IN ('sent', 'delivered', 'read')
                   AND sent_at <= $4::timestamptz
                   AND sent_at >= $4::timestamptz - make_interval(days => ${REPLY_WINDOW_DAYS})))`,
      [tenantId, phone, contextWamid, at],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Apply a delivery update (status webhook or reply) monotonically: row lock, state machine, timestamps from
   * the event (only where empty), one history row — one transaction. `send` is the send's id, or for a status
   * webhook its wamid, else the id its callback data names (the webhook may beat the scheduler storing the wamid).
   * Returns the new status, or null when nothing changed (or no send matched: a message that is not ours).
   */
  async applyDeliveryUpdate(
    tenantId: string,
    send: DeliveryTarget,
    update: DeliveryUpdate,
    event: DeliveryEvent,
  ): Promise<SendStatus | null> {
    const [changed] = await this.applyDeliveryUpdates(tenantId, [{ send, update, event }]);
    return changed;
  }

  /**
   * Several delivery updates of one tenant (a batch of status webhooks) in one transaction, applied in the order
   * given, each as `applyDeliveryUpdate` would: one commit for all of them. Returns each one's new status or null.
   */
  async applyDeliveryUpdates(
    tenantId: string,
    updates: readonly { send: DeliveryTarget; update: DeliveryUpdate; event: DeliveryEvent }[],
  ): Promise<(SendStatus | null)[]> {
    return this.db.withTenant(tenantId, async (manager: EntityManager) => {
      const results: (SendStatus | null)[] = [];
      for (const { send, update, event } of updates) {
        results.push(await this.applyLocked(manager, tenantId, send, update, event));
      }
      return results;
    });
  }

  private async applyLocked(
    manager: EntityManager,
    tenantId: string,
    send: DeliveryTarget,
    update: DeliveryUpdate,
    event: DeliveryEvent,
  ): Promise<SendStatus | null> {
    const byId = typeof send === 'string';
    const rows = await preparedQuery<{ id: string; status: SendState; wamid: string | null }>(
      manager,
      `SELECT id, status, wamid FROM automation.sends
        WHERE tenant_id = $1 AND (id = $2::uuid OR wamid = $3::text)
        ORDER BY wamid IS NOT DISTINCT FROM $3::text DESC
        LIMIT 1
        FOR UPDATE`,
      [tenantId, byId ? send : send.callbackSendId, byId ? null : send.wamid],
    );
    if (!rows[0]) return null;
    const { id } = rows[0];
    // `unknown` (or failed on our side, or failed and then reported delivered) did go out: it moves on as if
    // from `sending` (see `revives`).
    const revived = revives(rows[0].status, rows[0].wamid, update);
    const next = nextStatus(revived ? 'sending' : (rows[0].status as SendStatus), update);
    if (!next) return null;
    const stamps = timestampsFor(update)
      .map((column) => `${column} = COALESCE(${column}, $4)`)
      .join(', ');
    await preparedQuery(
      manager,
      `WITH changed AS (
         UPDATE automation.sends
            SET status = $3, ${stamps}, updated_at = now(),
                wamid = COALESCE(wamid, $5::text),
                error = CASE WHEN $7::boolean THEN NULL ELSE COALESCE($6::jsonb, error) END${revived ? ', failed_at = NULL' : ''}
          WHERE tenant_id = $1 AND id = $2
         RETURNING id
       )
       INSERT INTO automation.send_events (send_id, tenant_id, status, detail, at)
       SELECT id, $1, $3, $8, $4 FROM changed`,
      [
        tenantId,
        id,
        next,
        event.at,
        event.wamid ?? null,
        event.error ? JSON.stringify(event.error) : null,
        revived,
        event.detail,
      ],
    );
    return next;
  }

  async getLogView(tenantId: string, id: string): Promise<AutomationLogView | null> {
    const rows: SendRow[] = await this.query(
      tenantId,
      `SELECT * FROM automation.sends WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!rows[0]) return null;
    const histories = await this.histories(tenantId, [id]);
    return toLogView(rows[0], histories.get(id) ?? []);
  }

  /**
   * Newest first, with each send's history: one query for the page, one for all its histories. Paged by
   * `page`/`pageSize` over the filtered rows (rule, status, lead, and the tenant-local `day`), counted up to
   * `LIST_TOTAL_CAP`.
   */
  async listLogs(request: ListLogsRequest): Promise<Page<AutomationLogView>> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DEFAULT_LOG_PAGE_SIZE;
    const conditions = ['tenant_id = $1'];
    const params: unknown[] = [request.tenantId];
    if (request.ruleKey) {
      params.push(request.ruleKey);
      conditions.push(`rule_key = $${params.length}`);
    }
    if (request.status) {
      params.push(request.status);
      conditions.push(`status = $${params.length}`);
    }
    if (request.leadId) {
      params.push(request.leadId);
      conditions.push(`lead_id = $${params.length}`);
    }
    if (request.day) {
      // The day a send belongs to: when it went out, else when it is (or was) due — as the log shows it.
      const { start, end } = dayRange(request.day, request.timezone);
      params.push(start, end);
      conditions.push(
        `coalesce(sent_at, due_at) >= $${params.length - 1} AND coalesce(sent_at, due_at) < $${params.length}`,
      );
    }
    const where = conditions.join(' AND ');
    const [countRows, rows] = await Promise.all([
      this.query(request.tenantId, cappedCountSql(`automation.sends WHERE ${where}`), params) as Promise<
        { total: number }[]
      >,
      this.query(
        request.tenantId,
        `SELECT * FROM automation.sends WHERE ${where}
          ORDER BY created_at DESC, id DESC
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, pageSize, (page - 1) * pageSize],
      ) as Promise<SendRow[]>,
    ]);
    const histories = await this.histories(
      request.tenantId,
      rows.map((r) => r.id),
    );
    return {
      items: rows.map((row) => toLogView(row, histories.get(row.id) ?? [])),
      ...cappedTotal(countRows[0].total),
      page,
      pageSize,
    };
  }

  /** Funnel counts in one aggregate query; a later state counts for the earlier ones (a read was delivered). */
  async metrics(tenantId: string, ruleKey?: string): Promise<AutomationMetrics> {
    const rows: Omit<AutomationMetrics, 'deliveryRate' | 'readRate' | 'replyRate'>[] = await this.query(
      tenantId,
      `SELECT
         count(*) FILTER (WHERE status IN ('scheduled', 'sending'))::int AS scheduled,
         count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent,
         count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
         count(*) FILTER (WHERE read_at IS NOT NULL OR replied_at IS NOT NULL)::int AS read,
         count(*) FILTER (WHERE replied_at IS NOT NULL)::int AS replied,
         count(*) FILTER (WHERE status = 'failed')::int AS failed,
         count(*) FILTER (WHERE status = 'skipped')::int AS skipped
       FROM automation.sends
       WHERE tenant_id = $1 AND ($2::text IS NULL OR rule_key = $2::text)`,
      [tenantId, ruleKey ?? null],
    );
    const counts = rows[0];
    const rate = (part: number): number | null => (counts.sent > 0 ? part / counts.sent : null);
    return {
      ...counts,
      deliveryRate: rate(counts.delivered),
      readRate: rate(counts.read),
      replyRate: rate(counts.replied),
    };
  }

  /**
   * Cancel `scheduled` sends that match (all given filters; at least one of lead, opportunity, sale or rule):
   * status `cancelled` and one history row each, in one statement. Sends already claimed (`sending`) are not
   * touched — the due-time check in `SendPreparer` stops those. Returns the cancelled ids.
   */
  async cancelScheduled(
    tenantId: string,
    filter: {
      ruleKey?: string;
      leadId?: string;
      /** The lead's phone as stored on the send (E.164). */
      phone?: string;
      opportunityId?: string;
      saleId?: string;
      ids?: string[];
      /** Keep this occurrence (e.g. the reminder for the opportunity's current deadline). */
      exceptOccurrenceKey?: string;
    },
    detail: string,
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.query(
      tenantId,
      `WITH cancelled AS (
         UPDATE automation.sends
            SET status = 'cancelled', updated_at = now()
          WHERE tenant_id = $1 AND status = 'scheduled'
            AND ($2::text IS NULL OR rule_key = $2::text)
            AND ($3::uuid IS NULL OR lead_id = $3::uuid)
            AND ($4::uuid IS NULL OR opportunity_id = $4::uuid)
            AND ($5::uuid IS NULL OR sale_id = $5::uuid)
            AND ($6::uuid[] IS NULL OR id = ANY($6::uuid[]))
            AND ($7::text IS NULL OR occurrence_key <> $7::text)
            AND ($9::text IS NULL OR phone = $9::text)
         RETURNING id, tenant_id
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, 'cancelled', $8::text FROM cancelled
       )
       SELECT id FROM cancelled`,
      [
        tenantId,
        filter.ruleKey ?? null,
        filter.leadId ?? null,
        filter.opportunityId ?? null,
        filter.saleId ?? null,
        filter.ids ?? null,
        filter.exceptOccurrenceKey ?? null,
        detail,
        filter.phone ?? null,
      ],
    );
    return rows.map((r) => r.id);
  }

  /**
   * A rule's timing changed: every send of it still waiting and never attempted (`scheduled`, attempts 0, not a
   * person's trigger) gets its due time again from its anchor — `delaySeconds` after it, or before it when
   * `beforeAnchor` (a deadline) — with one history row each. Runs in the caller's transaction (`db`, the rule's save),
   * so the rule and its sends change together; a send claimed meanwhile (`sending`) is not touched: the claim's row
   * lock makes this wait and then skip it. Returns how many moved.
   */
  async retimeScheduled(
    db: EntityManager,
    tenantId: string,
    ruleKey: string,
    timing: { delaySeconds: number; beforeAnchor: boolean },
  ): Promise<number> {
    const rows: { count: number }[] = await db.query(
      `WITH moved AS (
         UPDATE automation.sends
            SET due_at = anchor_at + make_interval(secs => $3::double precision * (CASE WHEN $4 THEN -1 ELSE 1 END)),
                updated_at = now()
          WHERE tenant_id = $1 AND rule_key = $2 AND status = 'scheduled' AND NOT manual AND attempts = 0
            AND anchor_at IS NOT NULL
            AND due_at <> anchor_at + make_interval(secs => $3::double precision * (CASE WHEN $4 THEN -1 ELSE 1 END))
         RETURNING id, tenant_id, due_at
       ), history AS (
         INSERT INTO automation.send_events (send_id, tenant_id, status, detail)
         SELECT id, tenant_id, 'scheduled',
                $5::text || to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           FROM moved
       )
       SELECT count(*)::int AS count FROM moved`,
      [tenantId, ruleKey, timing.delaySeconds, timing.beforeAnchor, HISTORY_RETIMED_PREFIX],
    );
    return rows[0].count;
  }

  /** The rule's sends still waiting (`scheduled`). */
  async listScheduledForRule(tenantId: string, ruleKey: string): Promise<SendRow[]> {
    return this.query(
      tenantId,
      `SELECT * FROM automation.sends WHERE tenant_id = $1 AND rule_key = $2 AND status = 'scheduled'`,
      [tenantId, ruleKey],
    );
  }

  /** The lead's sends still waiting (`scheduled`), to check their rules' conditions again. */
  async listScheduledForLead(tenantId: string, leadId: string): Promise<SendRow[]> {
    return this.query(
      tenantId,
      `SELECT * FROM automation.sends WHERE tenant_id = $1 AND lead_id = $2 AND status = 'scheduled'`,
      [tenantId, leadId],
    );
  }

  private async histories(tenantId: string, ids: string[]): Promise<Map<string, SendHistoryEntry[]>> {
    const byId = new Map<string, SendHistoryEntry[]>();
    if (ids.length === 0) return byId;
    const rows: HistoryRow[] = await this.query(
      tenantId,
      `SELECT send_id, status, detail, at FROM automation.send_events
        WHERE tenant_id = $1 AND send_id = ANY($2::uuid[])
        ORDER BY id`,
      [tenantId, ids],
    );
    for (const row of rows) {
      const list = byId.get(row.send_id) ?? [];
      list.push({ status: row.status, at: row.at.toISOString(), detail: row.detail });
      byId.set(row.send_id, list);
    }
    return byId;
  }
}
