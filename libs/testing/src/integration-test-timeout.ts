import { INTEGRATION_TEST_TIMEOUT_MS } from './test-timeouts';

// The integration project's setup file: Jest takes `testTimeout` only for the whole run (unit tests too), so the
// integration tests get theirs here. A spec's own jest.setTimeout, evaluated later, still overrides it.
jest.setTimeout(INTEGRATION_TEST_TIMEOUT_MS);
