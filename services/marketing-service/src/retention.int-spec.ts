import { ownerDatabaseUrl, retentionCoverage } from '@crm/testing';
import { DataSource } from 'typeorm';
import { marketingRetentionRules } from './retention';

describe('marketing-service retention (real PostgreSQL)', () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = await new DataSource({ type: 'postgres', url: ownerDatabaseUrl() }).initialize();
  });

  afterAll(async () => {
    await owner.destroy();
  });

  it('accounts for every table of the marketing schema: purged by a rule or kept on purpose', async () => {
    expect(await retentionCoverage(owner, 'marketing', marketingRetentionRules({}))).toEqual({
      uncovered: [],
      stale: [],
      both: [],
    });
  });
});
