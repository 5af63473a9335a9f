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

  it('lists the forms of a Page with their questions, custom ones included', async () => {
    const forms = (
      await request(sandbox.app)
        .get(`/v23.0/${SANDBOX_IDS.pageId}/leadgen_forms`)
        .query({ access_token: userToken, fields: 'id,name,status,locale,questions' })
        .expect(200)
    ).body as Listing;
    expect(forms.data.map((f) => f.id)).toEqual(SANDBOX_IDS.formIds);
    const queretaro = forms.data.find((f) => f.name === 'Cotización casas Querétaro')!;
    expect(queretaro).toMatchObject({ status: 'ACTIVE', locale: 'es_LA' });
    expect(queretaro.questions).toEqual([
      expect.objectContaining({ key: 'full_name', type: 'FULL_NAME' }),
      expect.objectContaining({ key: 'phone_number', type: 'PHONE' }),
      expect.objectContaining({ key: 'email', type: 'EMAIL' }),
      expect.objectContaining({ key: 'city', label: 'Ciudad', type: 'CITY' }),
      expect.objectContaining({
        key: 'presupuesto_de_compra',
        label: '¿Cuál es tu presupuesto?',
        type: 'CUSTOM',
      }),
    ]);
  });

  it("bulk-reads a form's leads filtered on time_created, page by page (REFERENCE §6.4)", async () => {
    const formId = SANDBOX_IDS.formIds[1];
    const now = Math.floor(Date.now() / 1000);
    const made: string[] = [];
    for (const daysAgo of [40, 20, 10, 5, 1]) {
      const lead = (
        await request(sandbox.app)
          .post('/_sandbox/leadgen')
          .send({
            formId,
            fullName: `Hace ${daysAgo} días`,
            email: `hace${daysAgo}@example.com`,
            createdTime: now - daysAgo * 86_400,
            webhook: false,
            answers: { city: 'Querétaro', presupuesto_de_compra: '2 millones' },
          })
          .expect(200)
      ).body as { leadgenId: string; delivered: boolean; createdTime: number };
      expect(lead).toMatchObject({ delivered: false, createdTime: now - daysAgo * 86_400 });
      made.push(lead.leadgenId);
    }
    // No webhook was sent for them.
    const webhooks = (await request(sandbox.app).get('/_sandbox/webhooks?kind=leadgen').expect(200)).body as {
      data: { meta: { leadgenId: string } }[];
    };
    expect(webhooks.data.filter((w) => made.includes(w.meta.leadgenId))).toEqual([]);

    const filtering = JSON.stringify([
      { field: 'time_created', operator: 'GREATER_THAN_OR_EQUAL', value: now - 20 * 86_400 },
      { field: 'time_created', operator: 'LESS_THAN', value: now - 86_400 },
    ]);
    const seen: Record<string, unknown>[] = [];
    let url: string | undefined = `/v23.0/${formId}/leads?${new URLSearchParams({
      access_token: userToken,
      fields: 'id,created_time,field_data',
      filtering,
      limit: '2',
    }).toString()}`;
    let pages = 0;
    while (url) {
      const body = (await request(sandbox.app).get(url.replace('http://sandbox.test:4100', '')).expect(200))
        .body as Listing;
      seen.push(...body.data);
      url = body.paging?.next;
      pages += 1;
    }
    // The dataset's seed leads of this form fall in the window too; ours are there, newest first, once each.
    expect(pages).toBe(Math.ceil(seen.length / 2));
    expect(seen.map((l) => l.id).filter((id) => made.includes(id as string))).toEqual([
      made[3],
      made[2],
      made[1],
    ]);
    expect(new Set(seen.map((l) => l.id)).size).toBe(seen.length);
    expect(seen.find((l) => l.id === made[3])!.field_data).toEqual(
      expect.arrayContaining([
        { name: 'city', values: ['Querétaro'] },
        { name: 'presupuesto_de_compra', values: ['2 millones'] },
      ]),
    );

    const wrong = await request(sandbox.app)
      .get(`/v23.0/${formId}/leads`)
      .query({
        access_token: userToken,
        filtering: JSON.stringify([{ field: 'time_created', operator: 'EQUAL', value: 1 }]),
      })
      .expect(400);
    expect((wrong.body as GraphErrorBody).error.code).toBe(100);
    await request(sandbox.app)
      .post('/_sandbox/leadgen')
      .send({ formId, fullName: 'Futuro', createdTime: now + 3600 })
      .expect(400);
  });
});
