import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox, TEST_SECRET } from '../test-support/sandbox-fixture';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver';

type ErrorBody = {
  error: {
    message: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
  };
};
type TemplateHook = {
  object: string;
  entry: { id: string; time: number; changes: { field: string; value: Record<string, unknown> }[] }[];
};

const WABA = SANDBOX_IDS.wabaId;

const validTemplate = (overrides: Record<string, unknown> = {}) => ({
  name: 'bienvenida_cliente',
  language: 'es',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hola {{1}}', example: { header_text: ['Ana'] } },
    {
      type: 'BODY',
      text: 'Gracias {{1}} por tu interés en {{2}}.',
      example: { body_text: [['Ana', 'el depto']] },
    },
    { type: 'FOOTER', text: 'Inmobiliaria Sol' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Me interesa' },
        { type: 'URL', text: 'Ver', url: 'https://sol.example/p/{{1}}', example: ['123'] },
        { type: 'PHONE_NUMBER', text: 'Llamar', phone_number: '5215512340000' },
      ],
    },
  ],
  ...overrides,
});

describe('WhatsApp template management', () => {
  let sandbox: Sandbox;
  let token: string;
  let receiver: WebhookReceiver;

  const create = (body: unknown) =>
    request(sandbox.app)
      .post(`/v23.0/${WABA}/message_templates`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  const expectError = async (body: unknown, subcode: number | undefined, text: RegExp) => {
    const res = await create(body).expect(400);
    const { error } = res.body as ErrorBody;
    expect(error.code).toBe(100);
    expect(error.error_subcode).toBe(subcode);
    expect(`${error.error_user_title ?? ''} ${error.error_user_msg ?? ''} ${error.message}`).toMatch(text);
  };

  beforeEach(async () => {
    receiver = await startWebhookReceiver(TEST_SECRET);
    sandbox = newSandbox({ webhookUrl: receiver.url });
    token = await mintToken(sandbox);
  });
  afterEach(async () => {
    sandbox.state.cancelTimers();
    await receiver.close();
  });

  it('creates a template as PENDING and lists it with its components', async () => {
    const res = await create(validTemplate()).expect(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      status: 'PENDING',
      category: 'MARKETING',
    });
    const listed = await request(sandbox.app)
      .get(`/v23.0/${WABA}/message_templates`)
      .query({ access_token: token, name: 'bienvenida_cliente', fields: 'id,name,status,components' })
      .expect(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0].status).toBe('PENDING');
    expect(listed.body.data[0].components.map((c: { type: string }) => c.type)).toEqual([
      'HEADER',
      'BODY',
      'FOOTER',
      'BUTTONS',
    ]);
  });

  it('answers Meta validation errors with error_user_title and error_user_msg', async () => {
    await expectError(validTemplate({ name: 'Bienvenida Cliente' }), 2388042, /lowercase/);
    await expectError(validTemplate({ category: 'PROMO' }), undefined, /category must be one of/);
    await expectError(
      validTemplate({ components: [{ type: 'BODY', text: 'Hola {{1}}, gracias.' }] }),
      2388043,
      /sample values/,
    );
    await expectError(
      validTemplate({
        components: [{ type: 'BODY', text: 'Hola {{1}} y {{3}}.', example: { body_text: [['a', 'b']] } }],
      }),
      2388072,
      /sequential/,
    );
    await expectError(
      validTemplate({
        components: [{ type: 'BODY', text: '{{1}}, gracias', example: { body_text: [['a']] } }],
      }),
      2388299,
      /start or end/,
    );
    await expectError(
      validTemplate({
        components: [
          { type: 'BODY', text: 'Hola' },
          {
            type: 'BUTTONS',
            buttons: Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `B${i}` })),
          },
        ],
      }),
      2388158,
      /at most 10 buttons/,
    );
    await expectError(
      validTemplate({
        components: [
          { type: 'HEADER', format: 'IMAGE' },
          { type: 'BODY', text: 'Hola' },
        ],
      }),
      2388047,
      /sample/,
    );
    await expectError(
      validTemplate({ components: [{ type: 'BODY', text: 'x'.repeat(1025) }] }),
      2388040,
      /1024/,
    );
    await expectError(validTemplate({ components: [{ type: 'FOOTER', text: 'pie' }] }), 2388293, /body/);
  });

  it('refuses a second template with the same name and language, accepts another language', async () => {
    await create(validTemplate()).expect(200);
    await expectError(validTemplate(), 2388024, /already exists/i);
    await create(validTemplate({ language: 'en_US' })).expect(200);
  });

  it('pages the template list with cursors', async () => {
    await request(sandbox.app)
      .post('/_sandbox/templates/bulk')
      .send({ count: 30, prefix: 'paged' })
      .expect(200);
    const names: string[] = [];
    let next: string | undefined =
      `/v23.0/${WABA}/message_templates?limit=7&name=paged&access_token=${token}`;
    let pages = 0;
    while (next) {
      const url: URL = new URL(next, 'http://x');
      const res: request.Response = await request(sandbox.app)
        .get(`${url.pathname}${url.search}`)
        .expect(200);
      names.push(...res.body.data.map((t: { name: string }) => t.name));
      next = res.body.paging?.next;
      pages += 1;
    }
    expect(pages).toBe(5);
    expect(new Set(names).size).toBe(30);
  });

  it('approves, rejects with a reason, pauses and disables a template, posting Meta’s webhooks', async () => {
    const { body } = await create(validTemplate()).expect(200);
    const id = (body as { id: string }).id;
    await request(sandbox.app)
      .post(`/_sandbox/templates/${id}/status`)
      .send({ status: 'APPROVED' })
      .expect(200);
    await request(sandbox.app)
      .post(`/_sandbox/templates/${id}/status`)
      .send({ status: 'PAUSED', title: 'FIRST_PAUSE' })
      .expect(200);
    await request(sandbox.app)
      .post(`/_sandbox/templates/${id}/status`)
      .send({ status: 'DISABLED' })
      .expect(200);
    await request(sandbox.app)
      .post(`/_sandbox/templates/${id}/status`)
      .send({
        status: 'REJECTED',
        reason: 'PROMOTIONAL',
        recommendation: 'Use the marketing category.',
        time: 1751247548,
      })
      .expect(200);
    await request(sandbox.app)
      .post(`/_sandbox/templates/${id}/quality`)
      .send({ score: 'YELLOW' })
      .expect(200);
    const hooks = await receiver.waitFor((all) => all.length >= 5);
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    const changes = hooks.map((h) => (h.json as TemplateHook).entry[0].changes[0]);
    expect(changes.map((c) => c.field)).toEqual([
      ...Array(4).fill('message_template_status_update'),
      'message_template_quality_update',
    ]);
    expect(changes.map((c) => c.value.event).slice(0, 4)).toEqual([
      'APPROVED',
      'PAUSED',
      'DISABLED',
      'REJECTED',
    ]);
    // Meta sends the id as a JSON number and the language as en-US style.
    expect(hooks[0].raw).toContain(`"message_template_id":${id}`);
    expect(changes[0].value.message_template_language).toBe('es');
    expect(changes[1].value.other_info).toMatchObject({ title: 'FIRST_PAUSE' });
    expect(changes[2].value.disable_info).toBeDefined();
    expect(changes[3].value).toMatchObject({
      reason: 'PROMOTIONAL',
      rejection_info: { reason: 'PROMOTIONAL', recommendation: 'Use the marketing category.' },
    });
    expect((hooks[3].json as TemplateHook).entry[0].time).toBe(1751247548);
    expect(changes[4].value).toMatchObject({
      previous_quality_score: 'UNKNOWN',
      new_quality_score: 'YELLOW',
    });
    const state = sandbox.state.templates.find((t) => t.id === id)!;
    expect(state.status).toBe('REJECTED');
    expect(state.qualityScore).toBe('YELLOW');
  });

  it('deletes a template by name', async () => {
    await create(validTemplate()).expect(200);
    await request(sandbox.app)
      .delete(`/v23.0/${WABA}/message_templates`)
      .query({ access_token: token, name: 'bienvenida_cliente' })
      .expect(200, { success: true });
    expect(sandbox.state.templates.some((t) => t.name === 'bienvenida_cliente')).toBe(false);
  });
});
