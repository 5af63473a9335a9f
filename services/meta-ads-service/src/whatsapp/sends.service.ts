import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  type SendTemplateRequest,
  type SendTemplateResult,
  type SendTextRequest,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient, MetaTransportError } from '../graph/graph-client';
import { SendEntity, type SendError } from './send.entity';

/** Errors after which Meta certainly did not send: the same idempotency key may try again. */
const RETRYABLE_SEND_ERRORS = ['META_RATE_LIMITED', 'META_UNAVAILABLE'];

function isRetryable(send: SendEntity): boolean {
  return send.status === 'failed' && RETRYABLE_SEND_ERRORS.includes(send.error?.code ?? '');
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
  ) {}

  /** `fn` with the SendEntity repository in a transaction scoped to the tenant. */
  private sends<T>(tenantId: string, fn: (sends: Repository<SendEntity>) => Promise<T>): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(SendEntity)));
  }

  /** A template message (any time). */
  send(request: SendTemplateRequest): Promise<SendTemplateResult> {
    const bodyParameters = request.bodyParameters.map((text) => ({ type: 'text', text }));
    return this.deliver(
      request,
      { kind: 'template', templateName: request.templateName, language: request.language },
      {
        type: 'template',
        template: {
          name: request.templateName,
          language: { code: request.language },
          components: bodyParameters.length > 0 ? [{ type: 'body', parameters: bodyParameters }] : [],
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

  /** One message, exactly once per (tenant, idempotency key): the row is written before Meta is called. */
  private async deliver(
    request: SendTemplateRequest | SendTextRequest,
    what: Pick<SendEntity, 'kind' | 'templateName' | 'language'>,
    message: Record<string, unknown>,
  ): Promise<SendTemplateResult> {
    const { tenantId, idempotencyKey } = request;
    // A repeated key is answered from its row even when the connection has changed since.
    const previous = await this.sends(tenantId, (sends) => sends.findOneBy({ tenantId, idempotencyKey }));
    if (previous && !isRetryable(previous)) return this.existing(tenantId, idempotencyKey);
    const { connection, token } = await this.connections.requireActive(tenantId);
    if (!connection.phoneNumberId) {
      throw new DomainError('META_NOT_CONNECTED', 'no WhatsApp number is connected for this account');
    }
    const now = new Date();
    const id = randomUUID();
    // The row is written before Meta is called: a second request with the same key finds it and never sends.
    const inserted = await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder()
        .insert()
        .into(SendEntity)
        .values({
          id,
          tenantId,
          idempotencyKey,
          to: request.to,
          ...what,
          wamid: null,
          status: 'requested',
          error: null,
          createdAt: now,
          updatedAt: now,
        })
        .orIgnore()
        .returning(['id'])
        .execute(),
    );
    let sendId: string = id;
    if (inserted.raw.length === 0) {
      const reclaimed = await this.reclaimRetryable(tenantId, idempotencyKey);
      if (!reclaimed) return this.existing(tenantId, idempotencyKey);
      sendId = reclaimed;
    }

    try {
      const answer = await this.graph.post<SendAnswer>({
        tenantId,
        family: 'whatsapp',
        token,
        storedToken: true,
        path: `${connection.phoneNumberId}/messages`,
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: request.to,
          ...(request.callbackData !== undefined ? { biz_opaque_callback_data: request.callbackData } : {}),
          ...message,
        },
      });
      const wamid = answer.messages?.[0]?.id;
      if (!wamid) {
        await this.fail(
          tenantId,
          sendId,
          {
            code: 'META_UNAVAILABLE',
            message: 'Meta accepted the send without a message id',
          },
          'requested',
        );
        throw new DomainError(
          'META_UNAVAILABLE',
          'Meta answered without a message id; the outcome is unknown',
        );
      }
      await this.sends(tenantId, (sends) =>
        sends.update({ tenantId, id: sendId }, { wamid, status: 'accepted', updatedAt: new Date() }),
      );
      return { wamid, status: 'accepted' };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A timeout or dropped connection may still have sent the message: keep the row "requested" (a retry with
      // the same key is refused) rather than risk a second message.
      const unknown = error instanceof MetaTransportError && error.outcomeUnknown;
      await this.fail(
        tenantId,
        sendId,
        { code: error.code, message: error.message, details: error.details },
        unknown ? 'requested' : 'failed',
      );
      throw error;
    }
  }

  /**
   * A send that failed because Meta was rate-limited or unavailable was answered with an error, so nothing was
   * sent: the same key may try again (atomically, so two retries never both go). Rejections stay spent, and a
   * send whose outcome is unknown (still "requested") is never retried.
   */
  private async reclaimRetryable(tenantId: string, idempotencyKey: string): Promise<string | null> {
    const result = await this.sends(tenantId, (sends) =>
      sends
        .createQueryBuilder()
        .update(SendEntity)
        .set({ status: 'requested', error: null, updatedAt: new Date() })
        .where('tenant_id = :tenantId AND idempotency_key = :idempotencyKey', { tenantId, idempotencyKey })
        .andWhere("status = 'failed' AND error->>'code' IN (:...codes)", { codes: RETRYABLE_SEND_ERRORS })
        .returning(['id'])
        .execute(),
    );
    const rows = result.raw as { id: string }[];
    return rows[0]?.id ?? null;
  }

  private async existing(tenantId: string, idempotencyKey: string): Promise<SendTemplateResult> {
    const row = await this.sends(tenantId, (sends) => sends.findOneBy({ tenantId, idempotencyKey }));
    if (row?.wamid) return { wamid: row.wamid, status: 'accepted' };
    if (row?.status === 'failed') {
      throw new DomainError(
        'CONFLICT',
        'an earlier send with this idempotency key was rejected by Meta; it will not be retried',
        {
          previousError: row.error?.code,
        },
      );
    }
    throw new DomainError(
      'CONFLICT',
      'a send with this idempotency key is in progress or its outcome is unknown; it will not be sent twice',
    );
  }

  private async fail(
    tenantId: string,
    id: string,
    error: SendError,
    status: 'failed' | 'requested',
  ): Promise<void> {
    try {
      // jsonb column: TypeORM's deep-partial type cannot express `unknown` details.
      const changes = { status, error, updatedAt: new Date() } as QueryDeepPartialEntity<SendEntity>;
      await this.sends(tenantId, (sends) => sends.update({ tenantId, id }, changes));
    } catch (storeError) {
      this.logger.error(`tenant ${tenantId}: could not record failed send ${id}: ${String(storeError)}`);
    }
  }
}
