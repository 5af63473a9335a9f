import { openRunDataSources, retentionCoverage, type RunDataSources } from '@crm/testing';
import { marketingRetentionRules } from './retention';

describe('marketing-service retention (real PostgreSQL)', () => {
  let db: RunDataSources;

  beforeAll(async () => {
    db = await openRunDataSources();
  });

  afterAll(() => db.close());

  it('accounts for every table of the marketing schema: purged by a rule or kept on purpose', async () => {
    expect(await retentionCoverage(db.owner, 'marketing', marketingRetentionRules({}))).toEqual({
      uncovered: [],
      stale: [],
      both: [],
    });
  });
});
