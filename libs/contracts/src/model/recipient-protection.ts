import type { SendWindow } from './automation';

/** A tenant's recipient-protection settings in automation-service (issue 7). */
export type ProtectionSettingsView = {
  /** Marketing templates one contact may get per `capHours` (default 1 per 24 h). */
  marketingPerContact: number;
  capHours: number;
  /** The tenant's default send window for rules without one; null = `defaultSendWindow` (or any hour, if off). */
  sendWindow: SendWindow | null;
  /** What applies when `sendWindow` is null: `DEFAULT_SEND_WINDOW`, or null when the service sends at any hour. */
  defaultSendWindow: SendWindow | null;
};
