import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainError, type SendTemplateRequest, type SendTemplateResult } from '@crm/contracts';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient, MetaTransportError } from '../graph/graph-client';
import { SendEntity, type SendError } from './send.entity';

type SendAnswer = { messages?: { id?: string; message_status?: string }[] };

/** Template sends, exactly once per (tenant, idempotency key). */
@Injectable()
export class SendsService {
  private readonly logger = new Logger('SendsService');

  constructor(
    @InjectRepository(SendEntity) private readonly sends: Repository<SendEntity>,
    private readonly graph: GraphClient,
    private readonly connections: ConnectionStore,
  ) {}

  async send(request: SendTemplateRequest): Promise<SendTemplateResult> {
    const { tenantId, idempotencyKey } = request;
    // A repeated key is answered from its row even when the connection has changed since.
    if (await this.sends.existsBy({ tenantId, idempotencyKey }))
      return this.existing(tenantId, idempotencyKey);
    const { connection, token } = await this.connections.requireActive(tenantId);
    if (!connection.phoneNumberId) {
      throw new DomainError('META_NOT_CONNECTED', 'no WhatsApp number is connected for this account');
    }
    const now = new Date();
    const id = randomUUID();
    // The row is written before Meta is called: a second request with the same key finds it and never sends.
    const inserted = await this.sends
      .createQueryBuilder()
      .insert()
      .into(SendEntity)
      .values({
        id,
        tenantId,
        idempotencyKey,
        to: request.to,
        templateName: request.templateName,
        language: request.language,
        wamid: null,
        status: 'requested',
        error: null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    if (inserted.raw.length === 0) return this.existing(tenantId, idempotencyKey);

    const bodyParameters = request.bodyParameters.map((text) => ({ type: 'text', text }));
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
          type: 'template',
          ...(request.callbackData !== undefined ? { biz_opaque_callback_data: request.callbackData } : {}),
          template: {
            name: request.templateName,
            language: { code: request.language },
            components: bodyParameters.length > 0 ? [{ type: 'body', parameters: bodyParameters }] : [],
          },
        },
      });
      const wamid = answer.messages?.[0]?.id;
      if (!wamid) {
        await this.fail(
          tenantId,
          id,
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
      await this.sends.update({ tenantId, id }, { wamid, status: 'accepted', updatedAt: new Date() });
      return { wamid, status: 'accepted' };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A timeout or dropped connection may still have sent the message: keep the row "requested" (a retry with
      // the same key is refused) rather than risk a second message.
      const unknown = error instanceof MetaTransportError && error.outcomeUnknown;
      await this.fail(
        tenantId,
        id,
        { code: error.code, message: error.message, details: error.details },
        unknown ? 'requested' : 'failed',
      );
      throw error;
    }
  }

  private async existing(tenantId: string, idempotencyKey: string): Promise<SendTemplateResult> {
    const row = await this.sends.findOneBy({ tenantId, idempotencyKey });
    if (row?.wamid) return { wamid: row.wamid, status: 'accepted' };
    if (row?.status === 'failed') {
      throw new DomainError(
        'CONFLICT',
        'an earlier send with this idempotency key failed; use a new key to retry',
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
      await this.sends.update({ tenantId, id }, changes);
    } catch (storeError) {
      this.logger.error(`tenant ${tenantId}: could not record failed send ${id}: ${String(storeError)}`);
    }
  }
}
