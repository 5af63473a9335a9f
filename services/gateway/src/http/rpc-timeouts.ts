/** RPCs that may wait on Meta (reports, asset lists, template sync) get more time than the default 8 s. */
export const META_BACKED_RPC_TIMEOUT_MS = 20_000;
