import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rpc } from '@crm/contracts';
import { REPO_ROOT } from '@crm/testing';
import { DEMO_PASSWORD, DEMO_TENANT } from '../seed/demo-data';
import { startCrmTestApp, type CrmTestApp } from './crm-test-app';

const SCRIPT = join(REPO_ROOT, 'services/crm-service/src/seed/demo-seed.ts');

function runSeed(file: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', SCRIPT, file], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('demo seed CLI', () => {
  let crm: CrmTestApp;
  let dir: string;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    dir = mkdtempSync(join(tmpdir(), 'crm-seed-'));
  });

  afterAll(async () => {
    await crm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the demo tenant once; a second run says it exists and exits 0', async () => {
    const file = join(dir, 'ads.json');
    writeFileSync(
      file,
      JSON.stringify({
        ads: [
          { adId: '120210000000000001', adsetId: '120210000000000101', campaignId: '120210000000001001' },
          { adId: '120210000000000002', adsetId: '120210000000000102', campaignId: '120210000000001001' },
        ],
        referenceDate: '2026-06-30T18:00:00Z',
      }),
    );
    const first = runSeed(file);
    expect(first.status).toBe(0);
    // Another suite of this run may have seeded it first; either way the line names the tenant.
    expect(first.output).toMatch(/Inmobiliaria Sol/);
    const second = runSeed(file);
    expect(second.status).toBe(0);
    expect(second.output).toMatch(/already exists/);

    const [counts]: { users: number; leads: number; meta: number; stages: number; outbox: number }[] =
      await crm.db.query(
        `SELECT (SELECT count(*)::int FROM crm.users WHERE tenant_id = $1) AS users,
                (SELECT count(*)::int FROM crm.leads WHERE tenant_id = $1) AS leads,
                (SELECT count(*)::int FROM crm.leads WHERE tenant_id = $1 AND lead_source = 'META_ADS') AS meta,
                (SELECT count(*)::int FROM crm.pipeline_stages WHERE tenant_id = $1) AS stages,
                (SELECT count(*)::int FROM crm.outbox WHERE tenant_id = $1) AS outbox`,
        [DEMO_TENANT.id],
      );
    expect(counts).toMatchObject({ users: 4, leads: 2000, stages: 7, outbox: 0 });
    expect(counts.meta / counts.leads).toBeGreaterThan(0.4);

    const ceo = await crm.rpc.call(Rpc.crm.verifyCredentials, {
      email: 'ceo@demo.crmventas.test',
      password: DEMO_PASSWORD,
    });
    expect(ceo).toMatchObject({
      tenantId: DEMO_TENANT.id,
      tenantName: 'Inmobiliaria Sol',
      name: 'Carla Gómez',
      role: 'ceo',
    });
  }, 60_000);

  it('fails with a reason on bad input', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ads: [] }));
    const result = runSeed(file);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/at least one ad/);
  });
});
