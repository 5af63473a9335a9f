/**
 * The integration tests' time budget, defined once. A JetStream consumer may first have to chew through what earlier
 * suites of the run published on the shared stream (thousands of statuses: more than 30 s once, in CI) before it is
 * idle, so a test that waits for an idle consumer must be allowed that wait plus its own work.
 */
export const CONSUMER_IDLE_TIMEOUT_MS = 60_000;

/** An integration test's or hook's default timeout: one wait for an idle consumer and room for the rest. */
export const INTEGRATION_TEST_TIMEOUT_MS = CONSUMER_IDLE_TIMEOUT_MS + 30_000;
