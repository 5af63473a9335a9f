/**
 * The load proof at a small size (issue 9; the full size is `npm run bench:load`, results in docs/BENCHMARKS.md):
 * the same driver and stack (libs/testing load-driver, load-stack) with 20 users for 5 s on a 3,000-lead tenant —
 * the five services as real processes from the production build, the Meta sandbox, the Marketing read model and
 * HSM sends seeded. Asserts what must hold at any size: 0 errors, every screen opened, every endpoint of every
 * screen answered, every service under 250 MB RSS. No timing assertions: speed is shown by the benchmark.
 */
import { runLoad, startLoadStack, type LoadResult, type LoadStack } from '@crm/testing';

const RSS_LIMIT_MB = 250;

describe('load: 20 users on the dashboard, leads, Marketing Hub and HSM log', () => {
  let stack: LoadStack;
  let result: LoadResult;

  beforeAll(async () => {
    stack = await startLoadStack({
      ownerUrl: process.env.MIGRATION_DATABASE_URL!,
      appUrl: process.env.DATABASE_URL!,
      natsUrl: process.env.NATS_URL!,
      leads: 3000,
      users: { ceo: 8, professional: 4, setter: 8 },
      sends: 300,
      extraCampaigns: '',
      sandboxLatencyMs: 0,
    });
    result = await runLoad({
      baseUrl: stack.baseUrl,
      users: stack.users,
      durationMs: 5000,
      thinkMs: [200, 1000],
      searchTerms: stack.searchTerms,
      pids: stack.pids,
    });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers every request with a 2xx', () => {
    expect(result.errors).toEqual([]);
    expect(result.requests).toBeGreaterThan(0);
  });

  it('opens every screen and calls every endpoint they make', () => {
    for (const screen of ['dashboard', 'leads', 'marketing', 'hsmLog'] as const) {
      expect({ screen, opened: result.screens[screen] > 0 }).toEqual({ screen, opened: true });
    }
    // The first loads of every screen (the follow-up steps are random: next page, search or filter).
    expect([...result.latencies.keys()]).toEqual(
      expect.arrayContaining([
        'GET /crm/dashboard',
        'GET /crm/marketing/stats',
        'GET /crm/leads (first page)',
        'GET /crm/users',
        'GET /crm/marketing/token-status',
        'GET /crm/marketing/report (period)',
        'GET /crm/marketing/fx-rates',
        'GET /crm/marketing/automation/rules',
        'GET /crm/marketing/automation/templates/details',
        'GET /crm/marketing/automation/metrics/funnels',
        'GET /crm/marketing/automation-logs',
        'SSE /crm/marketing/automation/live (ready)',
      ]),
    );
  });

  it('keeps every service under 250 MB RSS', () => {
    expect(Object.keys(result.maxRssMb).sort()).toEqual(
      ['automation-service', 'crm-service', 'gateway', 'marketing-service', 'meta-ads-service'].sort(),
    );
    for (const [service, mb] of Object.entries(result.maxRssMb)) {
      expect({ service, under: mb > 0 && mb < RSS_LIMIT_MB }).toEqual({ service, under: true });
    }
  });
});
