import { randomUUID } from 'node:crypto';
import { LIST_TOTAL_CAP, Rpc } from '@crm/contracts';
import { startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

describe('meta-ads-service: the conversions log counts up to the cap', () => {
  let meta: MetaAdsTestApp;

  beforeAll(async () => {
    meta = await startMetaAdsTestApp();
  });

  afterAll(async () => {
    await meta.close();
  });

  it('says "more than" past the cap, and is exact below it', async () => {
    const tenantId = randomUUID();
    // One past the cap, all sent but the first, which Meta refused (parked): no worker picks any of them up.
    await meta.db.query(
      `INSERT INTO meta_ads.conversion_events
         (tenant_id, lead_id, event_name, point, event_id, dataset_id, keyed_by, event_time, server_event,
          sent_at, parked_at)
       SELECT $1, gen_random_uuid(), 'Lead', 'qualified', gen_random_uuid()::text, 'ds-1', 'lead_id', now(), '{}',
              CASE WHEN g > 1 THEN now() END, CASE WHEN g = 1 THEN now() END
         FROM generate_series(1, $2::int) g`,
      [tenantId, LIST_TOTAL_CAP + 1],
    );
    const all = await meta.rpc.call(Rpc.meta.conversionLog, { tenantId, pageSize: 2 });
    expect([all.total, all.totalCapped, all.items.length]).toEqual([LIST_TOTAL_CAP, true, 2]);
    const parked = await meta.rpc.call(Rpc.meta.conversionLog, { tenantId, state: 'parked' });
    expect([parked.total, parked.totalCapped, parked.items.map((entry) => entry.state)]).toEqual([
      1,
      false,
      ['parked'],
    ]);
  });
});
