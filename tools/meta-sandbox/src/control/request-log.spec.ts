import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';

describe('request log and latency (/_sandbox/requests, /_sandbox/latency)', () => {
  it('logs every Graph call with its path and query, never a control call; reset and clear empty it', async () => {
    const sandbox = newSandbox();
    const token = await mintToken(sandbox);
    await request(sandbox.app)
      .get(`/v23.0/${SANDBOX_IDS.adAccountId}/insights`)
      .query({ access_token: token, level: 'ad', fields: 'spend' })
      .expect(200);
    await request(sandbox.app).get('/v23.0/me').query({ access_token: token }).expect(200);
    await request(sandbox.app).get('/_sandbox/dataset').expect(200);

    const all = await request(sandbox.app).get('/_sandbox/requests').expect(200);
    expect(all.body.count).toBe(2);
    const insights = await request(sandbox.app)
      .get('/_sandbox/requests')
      .query({ path: '/insights' })
      .expect(200);
    expect(insights.body).toMatchObject({
      count: 1,
      data: [{ method: 'GET', path: `/${SANDBOX_IDS.adAccountId}/insights`, query: { level: 'ad' } }],
    });

    await request(sandbox.app).post('/_sandbox/requests/clear').expect(200);
    expect((await request(sandbox.app).get('/_sandbox/requests')).body.count).toBe(0);
    await request(sandbox.app).get('/v23.0/me').query({ access_token: token }).expect(200);
    await request(sandbox.app).post('/_sandbox/reset').expect(200);
    expect((await request(sandbox.app).get('/_sandbox/requests')).body.count).toBe(0);
  });

  it('answers every Graph call after the configured latency', async () => {
    const sandbox = newSandbox({ latencyMs: 150 });
    const token = await mintToken(sandbox);
    let started = Date.now();
    await request(sandbox.app).get('/v23.0/me').query({ access_token: token }).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);

    await request(sandbox.app).post('/_sandbox/latency').send({ ms: 0 }).expect(200);
    started = Date.now();
    await request(sandbox.app).get('/v23.0/me').query({ access_token: token }).expect(200);
    expect(Date.now() - started).toBeLessThan(145);
    await request(sandbox.app).post('/_sandbox/latency').send({ ms: -1 }).expect(400);
  });
});
