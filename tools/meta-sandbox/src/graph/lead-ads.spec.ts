import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';

type Listing = { data: Record<string, unknown>[]; paging?: { next?: string } };
type GraphErrorBody = { error: { code: number; message: string } };

describe('Graph API: Lead Ads Pages, subscriptions, forms and leads (REFERENCE §6)', () => {
  let sandbox: Sandbox;
  let userToken: string;

  beforeEach(async () => {
    sandbox = newSandbox({ publicUrl: 'http://sandbox.test:4100' });
    userToken = await mintToken(sandbox);
  });

  const pageToken = async (): Promise<string> => {
    const pages = (
      await request(sandbox.app)
        .get('/v23.0/me/accounts')
        .query({ access_token: userToken, fields: 'id,name,access_token' })
        .expect(200)
    ).body as Listing;
    const page = pages.data.find((p) => p.id === SANDBOX_IDS.pageId);
    expect(page).toMatchObject({ name: 'Inmobiliaria Sol', access_token: expect.any(String) });
    return page!.access_token as string;
  };

  it('subscribes the app to a Page only with that Page token and a subscribed_fields list', async () => {
    const path = `/v23.0/${SANDBOX_IDS.pageId}/subscribed_apps`;
    const withUserToken = await request(sandbox.app)
      .post(path)
      .query({ access_token: userToken, subscribed_fields: 'leadgen' })
      .expect(400);
    expect((withUserToken.body as GraphErrorBody).error).toMatchObject({ code: 210 });

    const token = await pageToken();
    const withoutFields = await request(sandbox.app).post(path).query({ access_token: token }).expect(400);
    expect((withoutFields.body as GraphErrorBody).error).toMatchObject({
      code: 100,
      message: expect.stringMatching(/subscribed_fields is required/),
    });
    const wrongField = await request(sandbox.app)
      .post(path)
      .query({ access_token: token, subscribed_fields: 'feed' })
      .expect(400);
    expect((wrongField.body as GraphErrorBody).error.code).toBe(100);

    const before = (await request(sandbox.app).get(path).query({ access_token: token }).expect(200))
      .body as Listing;
    expect(before.data).toEqual([]);
    await request(sandbox.app)
      .post(path)
      .query({ access_token: token, subscribed_fields: 'leadgen' })
      .expect(200, { success: true });
    const after = (await request(sandbox.app).get(path).query({ access_token: token }).expect(200))
      .body as Listing;
    expect(after.data).toEqual([expect.objectContaining({ subscribed_fields: ['leadgen'] })]);
  });
});
