// Starts the system under test (support/system.ts) in its own process, run through SWC like every backend
// process — Playwright's Babel transform cannot parse the parameter decorators our libs use — and waits for it.
const { spawn } = require('node:child_process');
const { existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const ENV_FILE = join(ROOT, 'tmp/e2e-environment.json');

module.exports = async function globalSetup() {
  rmSync(ENV_FILE, { force: true });
  let output = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'system.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 180_000;
  while (!existsSync(ENV_FILE)) {
    if (child.exitCode !== null) throw new Error(`the e2e system exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the e2e system did not start in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.env.CRM_E2E_SYSTEM_PID = String(child.pid);
  globalThis.__crmE2eSystem = child;
};
