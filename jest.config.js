/** Jest: two tiers with fixed suffixes. Unit `*.spec.ts` (no I/O), integration `*.int-spec.ts`
 * (real PostgreSQL and NATS, prepared by libs/testing's global setup). */
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@crm/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  '^@crm/contracts/browser$': '<rootDir>/libs/contracts/src/browser.ts',
  '^@crm/nest-common$': '<rootDir>/libs/nest-common/src/index.ts',
  '^@crm/testing$': '<rootDir>/libs/testing/src/index.ts',
  '^@crm/meta-sandbox$': '<rootDir>/tools/meta-sandbox/src/index.ts',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swcTransform },
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/frontend/'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,tools}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      // Their timeout, from libs/testing's budget (an integration test may wait for an idle consumer).
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/integration-test-timeout.ts'],
    },
  ],
  // A global option (Jest ignores `testTimeout` inside `projects`), so it is the unit tests' only: the integration
  // project sets its own in a setup file.
  testTimeout: 30000,
};
