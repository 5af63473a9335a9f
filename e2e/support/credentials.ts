/** `DEMO_PASSWORD` of services/crm-service/src/seed/demo-data.ts: every demo user's. */
const DEMO_PASSWORD = 'demo1234';

/** The demo tenant's users, seeded by `tools/runner/src/demo-seed.ts`. */
export const DEMO_CEO = { email: 'ceo@demo.crmventas.test', password: DEMO_PASSWORD };
export const DEMO_SETTER = { email: 'setter@demo.crmventas.test', password: DEMO_PASSWORD };

/** The password of the users the walks sign up and create (a company of their own per run). */
export const WALK_PASSWORD = 'Ventas2026seguro';

/** Every password a test user of the run has: the log scan asserts none reached a log line. */
export const TEST_PASSWORDS: readonly string[] = [DEMO_PASSWORD, WALK_PASSWORD];
