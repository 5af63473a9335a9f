// Seeds the demo tenant through crm-service's own seed script, giving it the ad ids the Meta sandbox knows,
// so Meta-attributed demo leads join with the sandbox's campaigns and insights.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SANDBOX_IDS, listAds } from '@crm/meta-sandbox';

const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'crm-demo-seed-'));
const file = join(dir, 'ads.json');
// Only the main demo ad account's ads: that is the account the demo connects in the wizard.
const ads = listAds()
  .filter((ad) => ad.adAccountId === SANDBOX_IDS.adAccountId)
  .map(({ adId, adsetId, campaignId }) => ({ adId, adsetId, campaignId }));
writeFileSync(file, JSON.stringify({ ads }));
const result = spawnSync(
  process.execPath,
  ['-r', '@swc-node/register', join(root, 'services/crm-service/src/seed/demo-seed.ts'), file],
  { stdio: 'inherit', env: process.env, cwd: root },
);
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
