import { Injectable } from '@nestjs/common';
import type { SendRow } from '../sends/send-store';
import type { PreparedSend } from '../scheduler/send-preparer';

/** May this contact get this message now: send, move it to a later time, or never. */
export type GuardVerdict = { send: true } | { skip: string } | { deferUntil: Date; detail: string };

/**
 * Recipient protection, checked for every due send after it is prepared and before it leaves: opt-out (already
 * refused by `SendPreparer` from the lead's `optedOut`). Frequency cap, send windows and the customer-service
 * window are added here (issue 7, point 3).
 */
@Injectable()
export class RecipientGuard {
  async check(_row: SendRow, _prepared: Exclude<PreparedSend, { skip: string }>): Promise<GuardVerdict> {
    return { send: true };
  }
}
