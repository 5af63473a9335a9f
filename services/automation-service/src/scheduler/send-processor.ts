import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  Rpc,
  type RpcErrorCode,
  type SendReason,
  type SendTemplateRequest,
  type SendTemplateResult,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { RecipientGuard } from '../protection/recipient-guard';
import { SendStore, type SendRow } from '../sends/send-store';
import { RETRYABLE_BEFORE_SEND, RETRYABLE_CODES, decideRetry } from './backoff';
import { SendPreparer } from './send-preparer';

/** meta-ads-service may retry Meta itself; give it longer than a plain read. */
export const SEND_TEMPLATE_TIMEOUT_MS = 15_000;

type Outcome = 'accepted' | 'skipped' | 'failed' | 'retry';

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new DomainError('INTERNAL', error instanceof Error ? error.message : String(error));
}

/**
 * Takes one claimed (`sending`) send to WhatsApp: `SendPreparer` decides what to send (or why not), `RecipientGuard`
 * whether this contact may get it now, and this class calls meta-ads-service with the idempotency key `<rule>:<lead>` — so even a retried attempt can
 * reach WhatsApp once at most. The `sent` status comes later from the status webhook.
 */
@Injectable()
export class SendProcessor {
  private readonly logger = new Logger(SendProcessor.name);

  constructor(
    private readonly store: SendStore,
    private readonly preparer: SendPreparer,
    private readonly guard: RecipientGuard,
    private readonly rpc: RpcClient,
  ) {}

  async process(row: SendRow): Promise<Outcome> {
    const tenantId = row.tenant_id;
    let request: SendTemplateRequest;
    let asText: string | undefined;
    try {
      const prepared = await this.preparer.prepare(row);
      if ('skip' in prepared) return await this.finish(row, 'skipped', prepared.skip);
      const verdict = await this.guard.check(row, prepared);
      if ('skip' in verdict) return await this.finish(row, 'skipped', verdict.skip, verdict.reason);
      if ('deferUntil' in verdict) {
        await this.store.finishAttempt(tenantId, row.id, 'scheduled', {
          detail: verdict.detail,
          dueAt: verdict.deferUntil,
        });
        return 'retry';
      }
      request = prepared.request;
      asText = verdict.asText;
    } catch (error) {
      // Nothing was sent yet: a retry is always safe here.
      return this.afterError(row, asDomainError(error), 'before sending', RETRYABLE_BEFORE_SEND);
    }
    let result: SendTemplateResult;
    try {
      // Inside the contact's customer-service window the guard may swap the template for free-form text: same key.
      result =
        asText === undefined
          ? await this.rpc.call(Rpc.meta.sendTemplate, request, SEND_TEMPLATE_TIMEOUT_MS)
          : await this.rpc.call(
              Rpc.meta.sendText,
              {
                tenantId,
                idempotencyKey: request.idempotencyKey,
                to: request.to,
                text: asText,
                callbackData: request.callbackData,
              },
              SEND_TEMPLATE_TIMEOUT_MS,
            );
    } catch (error) {
      return this.afterError(row, asDomainError(error), 'sending', RETRYABLE_CODES);
    }
    const accepted = asText === undefined ? 'accepted by WhatsApp' : 'accepted by WhatsApp as free-form text';
    await this.store.markAccepted(tenantId, row.id, result.wamid, accepted);
    return 'accepted';
  }

  private async afterError(
    row: SendRow,
    error: DomainError,
    stage: string,
    retryable: readonly RpcErrorCode[],
  ): Promise<Outcome> {
    const sendError = { code: error.code, message: error.message };
    const decision = decideRetry(row.attempts, error, retryable);
    if (decision.retry) {
      const dueAt = new Date(Date.now() + decision.delayMs);
      this.logger.warn(
        `send ${row.id} (${stage}) attempt ${row.attempts} failed with ${error.code}; retrying at ${dueAt.toISOString()}`,
      );
      await this.store.finishAttempt(row.tenant_id, row.id, 'scheduled', {
        detail: `${error.code}: ${error.message}; retry at ${dueAt.toISOString()}`,
        error: sendError,
        dueAt,
      });
      return 'retry';
    }
    const why = decision.reason === 'exhausted' ? `gave up after ${row.attempts} attempts: ` : '';
    this.logger.warn(`send ${row.id} (${stage}) failed with ${error.code}`);
    await this.store.finishAttempt(row.tenant_id, row.id, 'failed', {
      detail: `${why}${error.code}: ${error.message}`,
      error: sendError,
    });
    return 'failed';
  }

  private async finish(row: SendRow, to: 'skipped', detail: string, reason?: SendReason): Promise<Outcome> {
    // The reason code (e.g. `frequency_cap`) rides in `error` so the log and the UI can name it.
    const error = reason ? { code: reason, message: detail } : undefined;
    await this.store.finishAttempt(row.tenant_id, row.id, to, { detail, error });
    return to;
  }
}
