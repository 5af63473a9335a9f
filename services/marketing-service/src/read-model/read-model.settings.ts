export const READ_MODEL_SETTINGS = Symbol('READ_MODEL_SETTINGS');

export type ReadModelSettings = {
  rpcTimeoutMs: number;
  /** How long an event waits for the tenant's lock (held by a rebuild) before it is retried later. */
  lockTimeoutMs: number;
  /** Leads per `crm.attribution.facts` page during a rebuild. */
  rebuildPageSize: number;
};
