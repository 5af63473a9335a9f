import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  META_PAIR_RATE_CODE,
  META_THROUGHPUT_CODE,
  PAIR_RATE_INTERVAL_MS,
  sendReasonForMetaCode,
  type SendOutcome,
  type SendTemplateRequest,
  type SendTemplateResult,
  type SendTextRequest,
} from '@crm/contracts';
import { TenantDatabase, preparedQuery } from '@crm/nest-common';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionStore, type WhatsappSender } from '../connection/connection.store';
import { GraphClient, MetaTransportError } from '../graph/graph-client';
import { MetaAdsConfig } from '../config';
import { SendPacer, type PacingTicket } from './send-pacer';
import { SendEntity, type SendError } from './send.entity';

/**
 * A failed row may be tried again with the same key unless Meta rejected the message itself (`META_REJECTED`: a
 * template, recipient or parameter problem that a retry cannot fix). Every failed row is certainly unsent.
 */
function isRetryable(send: SendEntity): boolean {
  return send.status === 'failed' && send.error?.code !== 'META_REJECTED';
}

/** A send's row as `deliver` first writes it. */
type Reservation = Pick<
  SendEntity,
  'id' | 'tenantId' | 'idempotencyKey' | 'to' | 'kind' | 'templateName' | 'language'
> & {
  callbackData: string | null;
  at: Date;
};

/** A `requested` row older than this lost its replica mid-call: its outcome is unknown. */
const IN_FLIGHT_GRACE_MS = 5_000;

/**
 * Whether Meta may have acted on a request that ended in `error`: a transport failure after the request left, an
 * HTTP 5xx, a 2xx we could not read, anything unexpected → `unknown`. An error answer below 500, an open breaker,
 * a refused connection or our own pacing → `not_sent`.
 */
export function outcomeOfSendError(error: unknown): 'not_sent' | 'unknown' {
  if (!(error instanceof DomainError)) return 'unknown';
  if (error instanceof MetaTransportError) return error.outcomeUnknown ? 'unknown' : 'not_sent';
  if (error.details?.breakerOpen === true || error.details?.local === true) return 'not_sent';
  const httpStatus = error.details?.httpStatus;
  if (typeof httpStatus === 'number') return httpStatus >= 500 ? 'unknown' : 'not_sent';
  return error.code === 'META_UNAVAILABLE' || error.code === 'INTERNAL' ? 'unknown' : 'not_sent';
}

/**
 * The error a send caller sees: Meta's classes made explicit (REFERENCE §7.9). 130429 / 131056 are rate limits
 * with a wait (Meta's own hint when it gave one; ≥ 6 s for the pair limit), 190 is a token matter, 131026, 131047,
 * 131049 and 132xxx are final; every error carries `outcome` and a `reason` (SEND_REASONS).
 */
export function classifySendError(error: DomainError, outcome: 'not_sent' | 'unknown'): DomainError {
  const metaCode = typeof error.details?.metaCode === 'number' ? error.details.metaCode : undefined;
  const details: Record<string, unknown> = { ...error.details, outcome };
  if (outcome === 'unknown') {
    return new DomainError(
      'META_UNAVAILABLE',
      `${error.message}; whether WhatsApp got the message is unknown, it will not be sent again`,
      { ...details, reason: 'outcome_unknown' },
    );
  }
  if (details.reason === undefined) {
    details.reason =
      metaCode !== undefined
        ? sendReasonForMetaCode(metaCode)
        : error.code === 'META_TOKEN_EXPIRED'
          ? 'meta_token_expired'
          : error.code === 'META_RATE_LIMITED'
            ? 'meta_rate_limited'
            : error.code === 'META_REJECTED'
              ? 'meta_rejected'
              : 'meta_unavailable';
  }
  if (metaCode === META_PAIR_RATE_CODE) {
    return new DomainError(
      'META_RATE_LIMITED',
      'WhatsApp pair rate limit (131056): one message per 6 s per recipient',
      {
        ...details,
        retryAfterSeconds: Math.max(
          Math.ceil(PAIR_RATE_INTERVAL_MS / 1000),
          details.retryHintFromMeta === true ? Number(details.retryAfterSeconds) || 0 : 0,
        ),
      },
    );
  }
  if (metaCode === META_THROUGHPUT_CODE && details.retryHintFromMeta !== true) {
    // No hint from Meta: a short wait (the scheduler backs off further on repeats).
    return new DomainError(error.code, error.message, { ...details, retryAfterSeconds: 1 });
  }
  return new DomainError(error.code, error.message, details);
}

/** Meta's re-engagement error: more than 24 hours since the contact last wrote (REFERENCE §7.8). */
const WINDOW_CLOSED_CODE = 131047;

type SendAnswer = { messages?: { id?: string; message_status?: string }[] };

/** WhatsApp sends (templates and free-form text), exactly once per (tenant, idempotency key). */
@Injectable()
export class SendsService {
  private readonly logger = new Logger('SendsService');

  constructor(
    private readonly db: TenantDatabase,
    private readonly graph: GraphClient,
    private readonly connections: ConnectionStore,
    private readonly pacer: SendPacer,
    private readonly config: MetaAdsConfig,
  ) {}

  /** `fn` with the SendEntity repository in a transaction scoped to the tenant. */
  private sends<T>(tenantId: string, fn: (sends: Repository<SendEntity>) => Promise<T>): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(SendEntity)));
  }

  /**
   * Write the send's row (`requested`, not begun) unless its key has one: true when written. Plain SQL on the hot
   * path, as `beginRequest` and the accepted update.
   */
  private async reserve(db: EntityManager, row: Reservation, phoneNumberId: string): Promise<boolean> {
    const rows = await preparedQuery<{ id: string }>(
      db,
      `INSERT INTO meta_ads.sends (id, tenant_id, idempotency_key, "to", kind, template_name, language, wamid,
                                   status, error, callback_data, requested_at, phone_number_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 'requested', NULL, $8, NULL, $10, $9, $9)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        row.id,
        row.tenantId,
        row.idempotencyKey,
        row.to,
        row.kind,
        row.templateName,
        row.language,
        row.callbackData,
        row.at,
        phoneNumberId,
      ],
    );
    return rows.length > 0;
  }

  /** A template message (any time). */
  send(request: SendTemplateRequest): Promise<SendTemplateResult> {
    return this.deliver(
      request,
      { kind: 'template', templateName: request.templateName, language: request.language },
      {
        type: 'template',
        template: {
          name: request.templateName,
          language: { code: request.language },
          components: templateComponents(request),
        },
      },
    );
  }

  /**
   * A free-form text message (REFERENCE §7): only inside the customer-service window. Meta's 131047 (re-engagement:
   * the window is closed) becomes a `CONFLICT` with reason `WINDOW_CLOSED`; nothing was sent.
   */
  async sendText(request: SendTextRequest): Promise<SendTemplateResult> {
    try {
      return await this.deliver(
        request,
        { kind: 'text', templateName: null, language: null },
        { type: 'text', text: { preview_url: false, body: request.text } },
      );
    } catch (error) {
      if (error instanceof DomainError && error.details?.metaCode === WINDOW_CLOSED_CODE) {
        throw new DomainError(
          'CONFLICT',
          'the customer-service window is closed (the contact has not written in the last 24 hours); send a template',
          { reason: 'WINDOW_CLOSED', metaCode: WINDOW_CLOSED_CODE },
        );
      }
      throw error;
    }
  }

  /**
   * One message, exactly once per (tenant, idempotency key): the row is written before Meta is called, and only a
   * row that certainly did not send (`failed`, not rejected) is ever tried again. Once the key is ours, template
   * sends keep the pair rate limit and every send takes its turn in the number's throughput (SendPacer).
   */
  private async deliver(
    request: SendTemplateRequest | SendTextRequest,
    what: Pick<SendEntity, 'kind' | 'templateName' | 'language'>,
    message: Record<string, unknown>,
  ): Promise<SendTemplateResult> {
    const { tenantId, idempotencyKey } = request;
    // `requested_at` is stamped only when the request is about to leave (after pacing): see `beginRequest`.
    const reservation: Reservation = {
      id: randomUUID(),
      tenantId,
      idempotencyKey,
      to: request.to,
      ...what,
      callbackData: request.callbackData ?? null,
      at: new Date(),
    };
    // The usual case in one transaction: the connection is usable and the key is new, so its row is written (before
    // Meta is called: a second request with the same key finds it and never sends).
    const first = await this.db.withTenant(tenantId, async (db) => {
      const sender = await this.connections.senderIn(db, tenantId);
      return sender ? { sender, inserted: await this.reserve(db, reservation, sender.phoneNumberId) } : null;
    });
    let sender: WhatsappSender;
    let sendId: string;
    if (first?.inserted) {
      sender = first.sender;
      sendId = reservation.id;
    } else {
      // A repeated key is answered from its row even when the connection has changed since.
      const previous = await this.sends(tenantId, (sends) => sends.findOneBy({ tenantId, idempotencyKey }));
      if (previous && !isRetryable(previous)) return this.existing(previous);
      if (first) {
        sender = first.sender;
      } else {
        const { connection, token } = await this.connections.requireActive(tenantId);
        if (!connection.phoneNumberId) {
          throw new DomainError('META_NOT_CONNECTED', 'no WhatsApp number is connected for this account');
        }
        sender = { phoneNumberId: connection.phoneNumberId, token };
      }
      const inserted = previous
        ? false
        : await this.db.withTenant(tenantId, (db) => this.reserve(db, reservation, sender.phoneNumberId));
      if (inserted) {
        sendId = reservation.id;
      } else {
        const reclaimed = await this.reclaimRetryable(tenantId, idempotencyKey, sender.phoneNumberId);
        if (!reclaimed) return this.existingByKey(tenantId, idempotencyKey);
        sendId = reclaimed;
      }
    }
    const { phoneNumberId, token } = sender;

    let ticket: PacingTicket;
    try {
      // Our turn on this number (and, for templates, to this recipient) across all replicas.
      ticket = await this.pacer.acquire(phoneNumberId, what.kind === 'template' ? request.to : null);
    } catch (error) {
      // Held back here: certainly not sent, and the same key may try again.
      const held = error instanceof DomainError ? error : new DomainError('INTERNAL', String(error));
      await this.fail(
        tenantId,
        sendId,
        { code: held.code, message: held.message, details: held.details },
        'failed',
      );
      throw held;
    }
    if (!(await this.beginRequest(tenantId, sendId))) {
      // Reconciliation gave this reservation up while it waited (its replica looked dead): nothing was sent.
      throw new DomainError('META_UNAVAILABLE', 'the send was abandoned before it left; retry', {
        outcome: 'not_sent',
        local: true,
        retryAfterSeconds: 1,
      });
    }
    let wamid: string | undefined;
    try {
      const answer = await this.graph.post<SendAnswer>({
        tenantId,
        family: 'whatsapp',
        token,
        storedToken: true,
        path: `${phoneNumberId}/messages`,
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: request.to,
          ...(request.callbackData !== undefined ? { biz_opaque_callback_data: request.callbackData } : {}),
          ...message,
        },
      });
      wamid = answer.messages?.[0]?.id;
    } catch (error) {
      const outcome = outcomeOfSendError(error);
      const domain =
        error instanceof DomainError
          ? error
          : new DomainError('INTERNAL', error instanceof Error ? error.message : String(error));
      const classified = classifySendError(domain, outcome);
      if (outcome === 'not_sent') await this.pacer.releasePair(ticket);
      await this.fail(
        tenantId,
        sendId,
        { code: domain.code, message: domain.message, details: classified.details },
        outcome === 'unknown' ? 'unknown' : 'failed',
      );
      throw classified;
    }
    if (!wamid) {
      // Meta answered 2xx without a message id: it may well have sent it.
      const unknown = classifySendError(
        new DomainError('META_UNAVAILABLE', 'Meta accepted the send without a message id'),
        'unknown',
      );
      await this.fail(
        tenantId,
        sendId,
        { code: 'META_UNAVAILABLE', message: 'Meta answered without a message id', details: unknown.details },
        'unknown',
      );
      throw unknown;
    }
    try {
      await this.db.withTenant(tenantId, (db) =>
        preparedQuery(
          db,
          `UPDATE meta_ads.sends SET wamid = $3, status = 'accepted', error = NULL, updated_at = $4
            WHERE tenant_id = $1 AND id = $2`,
          [tenantId, sendId, wamid, new Date()],
        ),
      );
    } catch (error) {
      // Meta has it; the row stays `requested` and turns `unknown` (the webhook settles it). Never "not sent".
      this.logger.error(
        `tenant ${tenantId}: could not record wamid ${wamid} of send ${sendId}: ${String(error)}`,
      );
    }
    return { wamid, status: 'accepted' };
  }

  /**
   * `meta.whatsapp.send-outcome`: what this service knows of the send with this key, for reconciliation by the
   * caller after it lost the answer. A `requested` row older than the longest call (plus a grace) lost its replica
   * mid-call: `unknown`. An unknown send is taken as not sent only on evidence (`laterReportedSend`) — never because
   * time passed: past `WHATSAPP_UNKNOWN_HORIZON_MS` without evidence it is `expired`, for good unless a status webhook
   * for it comes after all.
   */
  async outcome(tenantId: string, idempotencyKey: string): Promise<SendOutcome> {
    const row = await this.sends(tenantId, (sends) => sends.findOneBy({ tenantId, idempotencyKey }));
    if (!row) return { state: 'not_found', wamid: null, error: null };
    if (row.wamid) return { state: 'accepted', wamid: row.wamid, error: null };
    const error = row.error ? { code: row.error.code, message: row.error.message } : null;
    if (row.status === 'failed') return { state: 'failed', wamid: null, error };
    if (row.status === 'requested' && !row.requestedAt) {
      // Reserved but never begun: its replica died while waiting for its turn, or is still waiting.
      if (
        Date.now() - row.updatedAt.getTime() <=
        this.config.WHATSAPP_MAX_PACING_WAIT_MS + IN_FLIGHT_GRACE_MS
      ) {
        return { state: 'in_flight', wamid: null, error };
      }
      const abandoned = await this.abandon(tenantId, row.id);
      if (abandoned) return { state: 'failed', wamid: null, error: abandoned };
      return this.outcome(tenantId, idempotencyKey);
    }
    const begunAt = (row.requestedAt ?? row.updatedAt).getTime();
    // When the request ended at the latest: as recorded, else (its replica died mid-call) when its call timed out.
    const endedAt = row.requestEndedAt?.getTime() ?? begunAt + this.config.META_HTTP_TIMEOUT_MS;
    if (row.status === 'requested' && Date.now() <= endedAt + IN_FLIGHT_GRACE_MS) {
      return { state: 'in_flight', wamid: null, error };
    }
    const evidence = await this.laterReportedSend(
      tenantId,
      row,
      new Date(endedAt + this.config.WHATSAPP_UNKNOWN_EVIDENCE_GRACE_MS),
    );
    if (evidence) {
      const notSent = await this.settleNotSent(tenantId, row.id, evidence);
      if (notSent) {
        this.logger.log(
          `tenant ${tenantId}: send ${row.id} taken as not sent: ${evidence} from the same number was reported after it`,
        );
        return { state: 'failed', wamid: null, error: notSent };
      }
      return this.outcome(tenantId, idempotencyKey);
    }
    if (Date.now() - begunAt > this.config.WHATSAPP_UNKNOWN_HORIZON_MS) {
      return { state: 'expired', wamid: null, error };
    }
    return { state: 'unknown', wamid: null, error };
  }

  /**
   * Evidence that WhatsApp never took `row`: the wamid of a message from the same number whose request began after
   * `after` (ours ended, plus the grace) and that WhatsApp has reported a status for. Meta reports each number's
   * messages in order: a later one reported while ours never was means ours never arrived. Null: no such message
   * (or the row predates `phone_number_id`).
   */
  private async laterReportedSend(tenantId: string, row: SendEntity, after: Date): Promise<string | null> {
    if (!row.phoneNumberId) return null;
    const later = await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder('s')
        .select('s.wamid', 'wamid')
        .where('s.tenant_id = :tenantId AND s.phone_number_id = :phoneNumberId', {
          tenantId,
          phoneNumberId: row.phoneNumberId,
        })
        .andWhere('s.status_reported_at IS NOT NULL AND s.requested_at > :after AND s.id <> :id', {
          after,
          id: row.id,
        })
        .orderBy('s.requested_at')
        .limit(1)
        .getRawOne<{ wamid: string }>(),
    );
    return later?.wamid ?? null;
  }

  /** Evidence says WhatsApp never took it: certainly not sent, so the same key may send (compare and set). */
  private async settleNotSent(tenantId: string, id: string, evidence: string): Promise<SendError | null> {
    const error: SendError = {
      code: 'META_UNAVAILABLE',
      message: `not sent: WhatsApp has since reported a later message from this number (${evidence}) and never this one`,
      details: { outcome: 'not_sent', evidence },
    };
    const changes = { status: 'failed', error, updatedAt: new Date() } as QueryDeepPartialEntity<SendEntity>;
    const result = await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder()
        .update(SendEntity)
        .set(changes)
        .where(
          "tenant_id = :tenantId AND id = :id AND status IN ('unknown', 'requested') AND wamid IS NULL",
          { tenantId, id },
        )
        .execute(),
    );
    return (result.affected ?? 0) > 0 ? error : null;
  }

  /**
   * WhatsApp reported statuses for these messages: the first report of each is kept (`status_reported_at`), the
   * evidence `outcome` looks for. One statement for the whole webhook part.
   */
  async recordStatusReports(tenantId: string, wamids: string[]): Promise<void> {
    if (wamids.length === 0) return;
    await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder()
        .update(SendEntity)
        .set({ statusReportedAt: () => 'now()' })
        .where('tenant_id = :tenantId AND wamid IN (:...wamids) AND status_reported_at IS NULL', {
          tenantId,
          wamids: [...new Set(wamids)],
        })
        .execute(),
    );
  }

  /**
   * The moment the request leaves: only a reserved row that nobody abandoned meanwhile is stamped (compare and set
   * against `abandon`), so a send is either begun here or given up by reconciliation, never both.
   */
  private async beginRequest(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.db.withTenant(tenantId, (db) =>
      preparedQuery<{ id: string }>(
        db,
        `WITH begun AS (
           UPDATE meta_ads.sends SET requested_at = now(), updated_at = $3
            WHERE tenant_id = $1 AND id = $2 AND status = 'requested' AND requested_at IS NULL
           RETURNING id
         )
         SELECT id FROM begun`,
        [tenantId, id, new Date()],
      ),
    );
    return rows.length > 0;
  }

  /** Give up a reservation that never began (certainly not sent): the same key may send later. */
  private async abandon(tenantId: string, id: string): Promise<SendError | null> {
    const error: SendError = {
      code: 'META_UNAVAILABLE',
      message: 'abandoned before the request left (its replica stopped)',
      details: { outcome: 'not_sent' },
    };
    const changes = { status: 'failed', error, updatedAt: new Date() } as QueryDeepPartialEntity<SendEntity>;
    const result = await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder()
        .update(SendEntity)
        .set(changes)
        .where("tenant_id = :tenantId AND id = :id AND status = 'requested' AND requested_at IS NULL", {
          tenantId,
          id,
        })
        .execute(),
    );
    return (result.affected ?? 0) > 0 ? error : null;
  }

  /**
   * Status webhooks settle sends whose answer was lost: Meta had the message after all (any status, even
   * `failed`, means it took the request), so an `unknown` or `requested` row with that callback data gets its wamid.
   * One statement for all of them, in `db` (the caller's tenant transaction) or a transaction of its own.
   */
  async settleFromStatuses(
    tenantId: string,
    statuses: { wamid: string; callbackData?: string }[],
    db?: EntityManager,
  ): Promise<number> {
    const withData = statuses.filter((status) => status.callbackData);
    if (withData.length === 0) return 0;
    const settle = async (manager: EntityManager) => {
      const rows = await preparedQuery<{ count: number }>(
        manager,
        `WITH settled AS (
           UPDATE meta_ads.sends s
              SET wamid = v.wamid, status = 'accepted', error = NULL, updated_at = $4
             FROM unnest($2::text[], $3::text[]) AS v(callback_data, wamid)
            WHERE s.tenant_id = $1 AND s.callback_data = v.callback_data
              AND s.status IN ('unknown', 'requested') AND s.wamid IS NULL
           RETURNING s.id
         )
         SELECT count(*)::int AS count FROM settled`,
        [
          tenantId,
          withData.map((status) => status.callbackData),
          withData.map((status) => status.wamid),
          new Date(),
        ],
      );
      return rows[0].count;
    };
    return db ? settle(db) : this.db.withTenant(tenantId, settle);
  }

  /**
   * A send that failed before Meta took it (rate limited, unavailable, token expired…) was certainly not sent: the
   * same key may try again (atomically, so two retries never both go). Rejections stay spent, and a send whose
   * outcome is unknown is never retried.
   */
  private async reclaimRetryable(
    tenantId: string,
    idempotencyKey: string,
    phoneNumberId: string,
  ): Promise<string | null> {
    const result = await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder()
        .update(SendEntity)
        .set({
          status: 'requested',
          error: null,
          requestedAt: null,
          requestEndedAt: null,
          phoneNumberId,
          updatedAt: new Date(),
        })
        .where('tenant_id = :tenantId AND idempotency_key = :idempotencyKey', { tenantId, idempotencyKey })
        .andWhere("status = 'failed' AND error->>'code' <> 'META_REJECTED'")
        .returning(['id'])
        .execute(),
    );
    const rows = result.raw as { id: string }[];
    return rows[0]?.id ?? null;
  }

  private async existingByKey(tenantId: string, idempotencyKey: string): Promise<SendTemplateResult> {
    const row = await this.sends(tenantId, (sends) => sends.findOneBy({ tenantId, idempotencyKey }));
    if (!row) throw new DomainError('INTERNAL', 'the send row disappeared');
    return this.existing(row);
  }

  /** The answer to a repeated key: its wamid, or a CONFLICT saying what became of the first request. */
  private existing(row: SendEntity): SendTemplateResult {
    if (row.wamid) return { wamid: row.wamid, status: 'accepted' };
    if (row.status === 'failed') {
      const details = row.error?.details ?? {};
      throw new DomainError(
        'CONFLICT',
        'an earlier send with this idempotency key was rejected by Meta; it will not be retried',
        {
          outcome: 'failed',
          previousError: row.error?.code,
          previousMessage: row.error?.message,
          ...(details.metaCode !== undefined ? { metaCode: details.metaCode } : {}),
          ...(details.reason !== undefined ? { reason: details.reason } : {}),
        },
      );
    }
    const inFlight =
      row.status === 'requested' &&
      (row.requestedAt === null ||
        Date.now() - row.requestedAt.getTime() <= this.config.META_HTTP_TIMEOUT_MS + IN_FLIGHT_GRACE_MS);
    throw new DomainError(
      'CONFLICT',
      inFlight
        ? 'a send with this idempotency key is in progress; it will not be sent twice'
        : 'a send with this idempotency key may have reached WhatsApp (outcome unknown); it will not be sent twice',
      { outcome: inFlight ? 'in_flight' : 'unknown' },
    );
  }

  private async fail(
    tenantId: string,
    id: string,
    error: SendError,
    status: 'failed' | 'unknown',
  ): Promise<void> {
    try {
      // jsonb column: TypeORM's deep-partial type cannot express `unknown` details. An unknown outcome dates the
      // end of its request: evidence about it is a later request, begun after that.
      const changes = {
        status,
        error,
        updatedAt: new Date(),
        ...(status === 'unknown' ? { requestEndedAt: new Date() } : {}),
      } as QueryDeepPartialEntity<SendEntity>;
      await this.sends(tenantId, (sends) => sends.update({ tenantId, id }, changes));
    } catch (storeError) {
      this.logger.error(`tenant ${tenantId}: could not record failed send ${id}: ${String(storeError)}`);
    }
  }
}

/**
 * The `components` of a template message (REFERENCE §7): a TEXT header's parameter, the body's parameters in order,
 * and each URL button's suffix by its index. Parts without parameters are left out, as Meta expects.
 */
export function templateComponents(
  request: Pick<
    SendTemplateRequest,
    'headerParameters' | 'headerMedia' | 'bodyParameters' | 'buttonParameters'
  >,
): Record<string, unknown>[] {
  const text = (value: string) => ({ type: 'text', text: value });
  const components: Record<string, unknown>[] = [];
  if (request.headerMedia) {
    const { format, link, filename } = request.headerMedia;
    const kind = format.toLowerCase();
    const media = format === 'DOCUMENT' && filename ? { link, filename } : { link };
    components.push({ type: 'header', parameters: [{ type: kind, [kind]: media }] });
  } else if (request.headerParameters?.length) {
    components.push({ type: 'header', parameters: request.headerParameters.map(text) });
  }
  if (request.bodyParameters.length > 0) {
    components.push({ type: 'body', parameters: request.bodyParameters.map(text) });
  }
  for (const button of request.buttonParameters ?? []) {
    components.push({
      type: 'button',
      sub_type: 'url',
      index: String(button.index),
      parameters: [text(button.text)],
    });
  }
  return components;
}
