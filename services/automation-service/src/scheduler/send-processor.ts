import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  DomainError,
  Rpc,
  sendHistory,
  type SendReason,
  type SendTemplateRequest,
  type SendTemplateResult,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { SCHEDULER_SETTINGS, type SchedulerSettings } from '../config';
import { RecipientGuard } from '../protection/recipient-guard';
import { SendStore, type SendDetails, type SendError, type SendRow } from '../sends/send-store';
import { RETRYABLE_BEFORE_SEND, classifySendFailure, decideRetry, TOKEN_PAUSE_RECHECK_MS } from './backoff';
import { SendPreparer, idempotencyKeyFor } from './send-preparer';

/** meta-ads-service may wait for its pacing slot and Meta's answer; give it longer than a plain read. */
export const SEND_TEMPLATE_TIMEOUT_MS = 15_000;
/** How long a claim stays ours once its request begins: the call's timeout plus a margin for writing the answer. */
export const REQUEST_LEASE_MS = SEND_TEMPLATE_TIMEOUT_MS + 30_000;
/** An `unknown` send is asked about (meta.whatsapp.send-outcome) when untouched this long. */
export const RECONCILE_AFTER_MS = 20_000;

type Outcome = 'accepted' | 'skipped' | 'cancelled' | 'failed' | 'retry' | 'unknown';

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new DomainError('INTERNAL', error instanceof Error ? error.message : String(error));
}

function sendErrorOf(error: DomainError, reason: SendReason | null): SendError {
  const metaCode = typeof error.details?.metaCode === 'number' ? error.details.metaCode : undefined;
  return {
    code: error.code,
    message: error.message,
    ...(reason ? { reason } : {}),
    ...(metaCode !== undefined ? { metaCode } : {}),
  };
}

/**
 * Takes one claimed (`sending`) send to WhatsApp: `SendPreparer` decides what to send (or why not), `RecipientGuard`
 * whether this contact may get it now, and this class calls meta-ads-service with the send's idempotency key (the
 * same on every attempt). The outcome model (README "Send outcome states"): before the request begins (lease
 * checked and `requested_at` stamped) any failure may retry; after it, only an answer that says "not sent" does —
 * a timeout, a 5xx, a missing wamid or a CONFLICT for an in-flight/unknown key make the send `unknown`, settled by a
 * status webhook or by reconciliation (`reconcile`), never re-sent blindly.
 */
@Injectable()
export class SendProcessor {
  private readonly logger = new Logger(SendProcessor.name);

  constructor(
    private readonly store: SendStore,
    private readonly preparer: SendPreparer,
    private readonly guard: RecipientGuard,
    private readonly rpc: RpcClient,
    @Optional() @Inject(SCHEDULER_SETTINGS) private readonly settings?: SchedulerSettings,
  ) {}

  async process(row: SendRow): Promise<Outcome> {
    const tenantId = row.tenant_id;
    const lease = row.lease_token ?? undefined;
    let request: SendTemplateRequest;
    let asText: string | undefined;
    let details: SendDetails;
    try {
      const prepared = await this.preparer.prepare(row);
      if ('skip' in prepared) return await this.finish(row, 'skipped', prepared.skip, prepared.reason);
      // What a cancellation event would have cancelled ends the same way, whichever came first.
      if ('cancel' in prepared) return await this.finish(row, 'cancelled', prepared.cancel);
      // Recorded on the send with its next write (begun, skipped or deferred): what it was checked as.
      details = {
        phone: prepared.request.to,
        leadName: prepared.lead.name,
        templateName: prepared.rule.templateName,
        templateLanguage: prepared.rule.templateLanguage,
      };
      const verdict = await this.guard.check(row, prepared);
      if ('skip' in verdict) return await this.finish(row, 'skipped', verdict.skip, verdict.reason, details);
      if ('deferUntil' in verdict) {
        await this.store.finishAttempt(tenantId, row.id, 'scheduled', {
          detail: verdict.detail,
          dueAt: verdict.deferUntil,
          leaseToken: lease,
          refundAttempt: true,
          details,
        });
        return 'retry';
      }
      request = prepared.request;
      asText = verdict.asText;
    } catch (error) {
      // Nothing was sent yet: a retry is always safe here.
      return this.beforeSendError(row, asDomainError(error));
    }
    if (!(await this.store.beginRequest(tenantId, row.id, lease ?? null, REQUEST_LEASE_MS, details))) {
      // Our lease ran out while preparing (the sweep put it back in the schedule, or failed it): not ours to send.
      this.logger.warn(`send ${row.id}: lease lost before sending; left to its next claim`);
      return 'skipped';
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
      return this.afterSendError(row, asDomainError(error));
    }
    const accepted = sendHistory.accepted(asText !== undefined);
    // The first send accepted after a token pause lifts it (the paused send carries that reason).
    if (row.error?.reason === 'meta_token_expired')
      await this.store.resumeTenant(tenantId).catch(() => undefined);
    await this.store.markAccepted(tenantId, row.id, result.wamid, accepted);
    return 'accepted';
  }

  /**
   * Ask meta-ads-service what became of an `unknown` send (by its idempotency key) and settle it: accepted → its
   * wamid (webhooks move it on), certainly not sent (the request never arrived, or evidence that WhatsApp never took
   * it) → back to the schedule (same key: at most once), rejected → failed with its reason; expired (no evidence
   * either way within the horizon) → failed `outcome_unknown`, final: never re-sent on a guess — a late status
   * webhook still revives it, and a person may send it again by hand; in flight / unknown → asked again later.
   */
  async reconcile(row: SendRow): Promise<void> {
    const outcome = await this.rpc.call(Rpc.meta.sendOutcome, {
      tenantId: row.tenant_id,
      idempotencyKey: idempotencyKeyFor(row),
    });
    switch (outcome.state) {
      case 'accepted':
        if (outcome.wamid) {
          await this.store.settleUnknown(row.tenant_id, row.id, { kind: 'accepted', wamid: outcome.wamid });
        }
        return;
      case 'not_found':
        // The request never reached meta-ads-service (it would have written its row first): not sent.
        await this.store.settleUnknown(row.tenant_id, row.id, {
          kind: 'not_sent',
          dueAt: new Date(),
          detail: sendHistory.reconciledNotReached(),
        });
        return;
      case 'failed': {
        const code = outcome.error?.code ?? 'META_UNAVAILABLE';
        if (code === 'META_REJECTED') {
          await this.store.settleUnknown(row.tenant_id, row.id, {
            kind: 'failed',
            error: { code, message: outcome.error?.message ?? 'rejected', reason: 'meta_rejected' },
            detail: sendHistory.reconciledRejected(outcome.error?.message),
          });
        } else {
          await this.store.settleUnknown(row.tenant_id, row.id, {
            kind: 'not_sent',
            dueAt: new Date(),
            detail: sendHistory.reconciledNotSent(code, outcome.error?.message),
          });
        }
        return;
      }
      case 'expired': {
        const message = sendHistory.outcomeExpiredMessage;
        this.logger.warn(`send ${row.id}: ${message}; not re-sent automatically`);
        await this.store.settleUnknown(row.tenant_id, row.id, {
          kind: 'failed',
          error: { code: 'OUTCOME_UNKNOWN', message, reason: 'outcome_unknown' },
          detail: sendHistory.outcomeExpired(),
        });
        return;
      }
      default:
        return;
    }
  }

  private async beforeSendError(row: SendRow, error: DomainError): Promise<Outcome> {
    const decision = decideRetry(row.attempts, error, RETRYABLE_BEFORE_SEND);
    // Nothing reached Meta: only a mapping that cannot be filled has a reason to show.
    const reason: SendReason | null = error.code === 'VALIDATION' ? 'missing_variable' : null;
    if (decision.retry) return this.reschedule(row, error, decision.delayMs, reason, false, 'before sending');
    return this.fail(row, error, reason, decision.reason === 'exhausted');
  }

  /** After the request began: what the answer says decides everything (see `classifySendFailure`). */
  private async afterSendError(row: SendRow, error: DomainError): Promise<Outcome> {
    const failure = classifySendFailure(error);
    const lease = row.lease_token ?? undefined;
    switch (failure.kind) {
      case 'unknown': {
        this.logger.warn(`send ${row.id}: outcome unknown (${error.code}: ${error.message})`);
        await this.store.finishAttempt(row.tenant_id, row.id, 'unknown', {
          detail: sendHistory.outcomeUnknown(error.code, error.message),
          error: sendErrorOf(error, 'outcome_unknown'),
          leaseToken: lease,
        });
        return 'unknown';
      }
      case 'paused': {
        const recheckAt = new Date(
          Date.now() + (this.settings?.SEND_PAUSE_RECHECK_MS ?? TOKEN_PAUSE_RECHECK_MS),
        );
        await this.store.pauseTenant(row.tenant_id, error.message, recheckAt);
        await this.store.finishAttempt(row.tenant_id, row.id, 'scheduled', {
          detail: sendHistory.paused(error.code),
          error: sendErrorOf(error, 'meta_token_expired'),
          dueAt: new Date(),
          leaseToken: lease,
          refundAttempt: true,
        });
        return 'retry';
      }
      case 'final':
        return this.fail(row, error, failure.reason, false);
      case 'retry': {
        const decision = decideRetry(row.attempts, error, undefined, failure);
        if (decision.retry) {
          return this.reschedule(row, error, decision.delayMs, failure.reason, failure.local, 'sending');
        }
        return this.fail(row, error, failure.reason, true);
      }
    }
  }

  private async reschedule(
    row: SendRow,
    error: DomainError,
    delayMs: number,
    reason: SendReason | null,
    refundAttempt: boolean,
    stage: string,
  ): Promise<Outcome> {
    const dueAt = new Date(Date.now() + delayMs);
    if (!refundAttempt) {
      this.logger.warn(
        `send ${row.id} (${stage}) attempt ${row.attempts} failed with ${error.code}; retrying at ${dueAt.toISOString()}`,
      );
    }
    await this.store.finishAttempt(row.tenant_id, row.id, 'scheduled', {
      detail: sendHistory.retry(error.code, error.message, dueAt),
      error: sendErrorOf(error, reason),
      dueAt,
      leaseToken: row.lease_token ?? undefined,
      refundAttempt,
    });
    return 'retry';
  }

  private async fail(
    row: SendRow,
    error: DomainError,
    reason: SendReason | null,
    exhausted: boolean,
  ): Promise<Outcome> {
    this.logger.warn(`send ${row.id} failed with ${error.code} (${reason ?? 'no reason'})`);
    await this.store.finishAttempt(row.tenant_id, row.id, 'failed', {
      detail: sendHistory.failed(error.code, error.message, exhausted ? row.attempts : undefined),
      error: sendErrorOf(error, reason),
      leaseToken: row.lease_token ?? undefined,
    });
    return 'failed';
  }

  /**
   * Skipped (recipient protection, a paused rule): the reason code (e.g. `frequency_cap`) rides in `error` so the
   * log and the UI can name it. Cancelled (the occurrence no longer applies): written as a cancellation event writes
   * it — the detail only — and, like a deferral, not an attempt.
   */
  private async finish(
    row: SendRow,
    to: 'skipped' | 'cancelled',
    detail: string,
    reason?: SendReason,
    details?: SendDetails,
  ): Promise<Outcome> {
    const error = to === 'skipped' && reason ? { code: reason, message: detail, reason } : undefined;
    await this.store.finishAttempt(row.tenant_id, row.id, to, {
      detail,
      error,
      leaseToken: row.lease_token ?? undefined,
      refundAttempt: to === 'cancelled',
      details,
    });
    return to;
  }
}
