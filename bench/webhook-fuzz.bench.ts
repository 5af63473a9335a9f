/**
 * Benchmark (proof at full size): the webhook fuzz proof with 10,000 signed bodies — generated from Meta's
 * OpenAPI schemas with mutations (libs/testing/src/webhook-fuzz.ts) and posted to the real gateway with
 * meta-ads, crm and automation services behind it. It runs the very int-spec the test command runs at 300
 * bodies (`webhook-fuzz.int-spec.ts`; Jest's global setup gives it a fresh database and a private nats-server),
 * so the full-size run is held to the same assertions: 0 responses ≥ 500, every consumer idle, only mutated
 * bodies parked, every valid sender a lead, every service up.
 *
 * Run: npm run bench:fuzz   (FUZZ_RUNS to change the 10,000, FUZZ_SEED to replay a seed; META_SPECS_DIR when
 * Meta's specs are not at ../shared/meta/specs)
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '@crm/testing';

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? 20261127);
const started = performance.now();
const result = spawnSync(
  process.execPath,
  [
    'node_modules/jest/bin/jest.js',
    '--selectProjects',
    'integration',
    '--runInBand',
    'services/gateway/src/__tests__/webhook-fuzz.int-spec.ts',
  ],
  {
    cwd: REPO_ROOT,
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
    stdio: 'inherit',
  },
);
const seconds = (performance.now() - started) / 1000;
const met = result.status === 0;
console.log('\n| benchmark | bodies | seed | wall s | target | result |');
console.log('|---|---|---|---|---|---|');
console.log(
  `| webhook fuzz (signed, OpenAPI-generated + mutations) | ${runs} | ${seed} | ${seconds.toFixed(1)} | ` +
    `0 ≥ 500, consumers idle, parked ⊆ mutated | ${met ? 'met' : 'NOT met'} |`,
);
process.exit(met ? 0 : 1);
