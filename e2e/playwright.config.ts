import { defineConfig } from '@playwright/test';

/**
 * Drives Debian's Chromium (never a downloaded browser) against the whole system started by global-setup. The walks
 * run first; the log scan (issue 9) runs after all of them, on the whole run's log.
 */
export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json']],
  globalSetup: require.resolve('./support/global-setup.js'),
  globalTeardown: require.resolve('./support/global-teardown.js'),
  outputDir: '../tmp/e2e-artifacts',
  projects: [
    { name: 'walks', testIgnore: '**/log-scan.e2e.ts' },
    { name: 'log-scan', testMatch: '**/log-scan.e2e.ts', dependencies: ['walks'] },
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'es-MX',
    timezoneId: 'America/Mexico_City',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
