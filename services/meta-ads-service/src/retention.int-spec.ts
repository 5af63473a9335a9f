import { ownerDatabaseUrl, retentionCoverage } from '@crm/testing';
import { DataSource } from 'typeorm';
import { MetaAdsConfig } from './config';
import { metaAdsRetentionRules } from './retention';

describe('meta-ads-service retention (real PostgreSQL)', () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = await new DataSource({ type: 'postgres', url: ownerDatabaseUrl() }).initialize();
  });

  afterAll(async () => {
    await owner.destroy();
  });

  it('accounts for every table of the meta_ads schema: purged by a rule or kept on purpose', async () => {
    expect(await retentionCoverage(owner, 'meta_ads', metaAdsRetentionRules(new MetaAdsConfig()))).toEqual({
      uncovered: [],
      stale: [],
      both: [],
    });
  });
});
