export const REPORTING_SETTINGS = Symbol('REPORTING_SETTINGS');

export type ReportingSettings = {
  insightsTimeoutMs: number;
  rpcTimeoutMs: number;
  snapshotRetentionDays: number;
  /** Serialised reports kept per process (`ReportCache`), in bytes (characters of JSON); 0: none. */
  cacheMaxBytes: number;
  /** The clock "today" is computed from (tests pin it). */
  now: () => Date;
};
