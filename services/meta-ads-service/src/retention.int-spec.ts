import { openRunDataSources, retentionCoverage, type RunDataSources } from '@crm/testing';
import { MetaAdsConfig } from './config';
import { metaAdsRetentionRules } from './retention';

describe('meta-ads-service retention (real PostgreSQL)', () => {
  let db: RunDataSources;

  beforeAll(async () => {
    db = await openRunDataSources();
  });

  afterAll(() => db.close());

  it('accounts for every table of the meta_ads schema: purged by a rule or kept on purpose', async () => {
    const rules = metaAdsRetentionRules(new MetaAdsConfig());
    expect(await retentionCoverage(db.owner, 'meta_ads', rules)).toEqual({
      uncovered: [],
      stale: [],
      both: [],
    });
  });
});
