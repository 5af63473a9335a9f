import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';

type Run = {
  id: string;
  account_id: string;
  async_status: string;
  async_percent_completion: number;
  date_start: string;
  date_stop: string;
  is_running: boolean;
  error_code?: number;
};
type Listing = { data: Record<string, string>[]; paging?: { next?: string } };

const NOW = new Date('2026-09-12T03:00:00Z');
const RANGE = JSON.stringify({ since: '2026-03-01', until: '2026-09-10' });
const QUERY = { level: 'ad', fields: 'ad_id,spend,impressions', time_range: RANGE, limit: '7' };

describe('Async insights report runs (POST /act_{id}/insights → GET /{run} → GET /{run}/insights)', () => {
  let sandbox: Sandbox;
  let token: string;
  const auth = { Authorization: '' };

  beforeEach(async () => {
    sandbox = newSandbox({ now: () => NOW });
    token = await mintToken(sandbox);
    auth.Authorization = `Bearer ${token}`;
  });

  const start = async (body: Record<string, string> = QUERY): Promise<string> => {
    const res = await request(sandbox.app)
      .post(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`)
      .set(auth)
      .send(body)
      .expect(200);
    expect(res.body).toEqual({ report_run_id: expect.stringMatching(/^\d+$/) });
    return res.body.report_run_id as string;
  };
  const poll = async (id: string): Promise<Run> =>
    (await request(sandbox.app).get(`/v23.0/${id}`).set(auth).expect(200)).body as Run;
  const control = (body: Record<string, unknown>) =>
    request(sandbox.app).post('/_sandbox/insights/async').send(body);

  /** Every row of a paged listing, following `paging.next`. */
  const readAll = async (path: string, query: Record<string, string>): Promise<Record<string, string>[]> => {
    const rows: Record<string, string>[] = [];
    let res = await request(sandbox.app).get(`/v23.0/${path}`).set(auth).query(query).expect(200);
    for (;;) {
      const body = res.body as Listing;
      rows.push(...body.data);
      if (!body.paging?.next) return rows;
      const next = new URL(body.paging.next);
      res = await request(sandbox.app).get(`${next.pathname}${next.search}`).set(auth).expect(200);
    }
  };

  it('the job moves one step per poll to Job Completed, then its insights equal the synchronous ones, paged', async () => {
    const id = await start();
    const progress: [string, number, boolean][] = [];
    for (let i = 0; i < 4; i++) {
      const run = await poll(id);
      expect(run).toMatchObject({ id, account_id: SANDBOX_IDS.adAccountId.slice(4) });
      expect(run).toMatchObject({ date_start: '2026-03-01', date_stop: '2026-09-10' });
      progress.push([run.async_status, run.async_percent_completion, run.is_running]);
    }
    expect(progress).toEqual([
      ['Job Started', 33, true],
      ['Job Running', 66, true],
      ['Job Completed', 100, false],
      ['Job Completed', 100, false],
    ]);
    const asyncRows = await readAll(`${id}/insights`, { limit: '7' });
    const syncRows = await readAll(`${SANDBOX_IDS.adAccountId}/insights`, QUERY);
    expect(asyncRows.length).toBeGreaterThan(7);
    expect(asyncRows).toEqual(syncRows);
    const runs = await request(sandbox.app).get('/_sandbox/insights/report-runs').expect(200);
    expect(runs.body.data).toEqual([
      expect.objectContaining({ id, polls: 3, status: 'Job Completed', level: 'ad' }),
    ]);
  });

  it('its insights are refused before the job completed', async () => {
    const id = await start();
    const res = await request(sandbox.app).get(`/v23.0/${id}/insights`).set(auth).expect(400);
    expect(res.body.error).toMatchObject({ code: 100 });
    expect(res.body.error.message).toContain('Job Not Started');
  });

  it('the control API makes the next runs fail or be skipped, then runs complete again', async () => {
    await control({ fail: 'Job Failed', count: 1, pollsToComplete: 1 }).expect(200);
    const failed = await start();
    expect(await poll(failed)).toMatchObject({
      async_status: 'Job Failed',
      error_code: 1,
      is_running: false,
    });
    await request(sandbox.app).get(`/v23.0/${failed}/insights`).set(auth).expect(400);

    await control({ fail: 'Job Skipped' }).expect(200);
    expect((await poll(await start())).async_status).toBe('Job Skipped');
    expect((await poll(await start())).async_status).toBe('Job Completed');

    await control({ pollsToComplete: 0 }).expect(200);
    expect((await poll(await start())).async_status).toBe('Job Completed');
    await control({ fail: 'Job Lost' }).expect(400);
    await control({ pollsToComplete: -1 }).expect(400);
  });

  it('syncTooMuchData: the synchronous edge answers code 1 / subcode 99 while report runs still work', async () => {
    await control({ syncTooMuchData: true }).expect(200);
    const res = await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`)
      .set(auth)
      .query(QUERY)
      .expect(500);
    expect(res.body.error).toMatchObject({ code: 1, error_subcode: 99 });
    expect(res.body.error.message).toContain('reduce the amount of data');
    const id = await start();
    for (let i = 0; i < 3; i++) await poll(id);
    expect((await readAll(`${id}/insights`, { limit: '500' })).length).toBeGreaterThan(0);
  });

  it('validates the job like the synchronous edge: bad level, unknown field, impossible range', async () => {
    for (const body of [
      { ...QUERY, level: 'page' },
      { ...QUERY, fields: 'ad_id,nope' },
      { ...QUERY, time_range: JSON.stringify({ since: '2026-09-10', until: '2026-03-01' }) },
    ]) {
      const res = await request(sandbox.app)
        .post(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`)
        .set(auth)
        .send(body)
        .expect(400);
      expect(res.body.error.code).toBe(100);
    }
    expect(sandbox.state.reportRuns.size).toBe(0);
  });
});
