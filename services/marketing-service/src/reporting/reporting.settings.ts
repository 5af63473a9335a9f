export const REPORTING_SETTINGS = Symbol('REPORTING_SETTINGS');

export type ReportingSettings = {
  insightsTimeoutMs: number;
  rpcTimeoutMs: number;
  snapshotRetentionDays: number;
  /** The clock "today" is computed from (tests pin it). */
  now: () => Date;
};
