/**
 * The Node options the services' images run with (infra/Dockerfile `NODE_OPTIONS`; `packaging.spec.ts` checks they
 * are the same): the load bench runs the compiled services with them, as production does.
 */
export const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=160';
