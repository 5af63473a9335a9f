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
    },
  ],
  // A global option: Jest ignores `testTimeout` inside `projects`, and hooks that boot a service under load need
  // more than the default 5 s.
  testTimeout: 30000,
};
