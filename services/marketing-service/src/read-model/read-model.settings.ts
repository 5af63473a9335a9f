export const READ_MODEL_SETTINGS = Symbol('READ_MODEL_SETTINGS');

export type ReadModelSettings = {
  rpcTimeoutMs: number;
  /** How long an event waits for the tenant's lock (held by a rebuild) before it is retried later. */
  lockTimeoutMs: number;
  /** Leads per `crm.attribution.facts` page during a rebuild. */
  rebuildPageSize: number;
  /** A never-built tenant up to this many leads is built within its first report; a larger one answers 503. */
  inlineBuildMaxLeads: number;
  /** How often a replica looks for never-built tenants to build in the background (also once at start-up). */
  buildPollMs: number;
};
