import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TemplateDetailView } from '@crm/contracts';
import type { ListeningSandbox, Sandbox } from '@crm/meta-sandbox';
import { connectTenantToSandbox, type ServiceHandle } from '@crm/testing';
import {
  loginAgent,
  seedTenant,
  startMetaStack,
  type MetaStack,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

// The beforeAll, without a timeout of its own, starts two service processes and the gateway.
jest.setTimeout(120_000);

const SAMPLES = '/crm/marketing/automation/templates/media-samples';
const CREATE = '/crm/marketing/automation/templates';
const DETAILS = '/crm/marketing/automation/templates/details';
const MB = 1024 * 1024;

/** A JPEG-looking file (the sandbox keeps bytes, it does not decode them); content varies with the position. */
function jpegOf(size: number): Buffer {
  const file = randomBytes(size);
  file.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return file;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('gateway: media header samples (real crm-service, meta-ads-service and Meta sandbox)', () => {
  let stack: MetaStack;
  let sandbox: Sandbox;
  let listening: ListeningSandbox;
  let metaAds: ServiceHandle;
  let gateway: TestGateway;
  let tenant: SeededTenant;

  beforeAll(async () => {
    stack = await startMetaStack('gateway-template-media', {
      // Every line the service can write while uploading: none may carry the token.
      metaAdsEnv: { LOG_LEVEL: 'debug' },
      gatewayEnv: { LOG_LEVEL: 'log' },
    });
    ({ sandbox, listening, metaAds, gateway } = stack);
    tenant = await seedTenant(stack.db, 'Inmobiliaria Muestras');
    await connect();
  });

  afterAll(() => stack?.stop());

  const loginAs = (role: keyof SeededTenant['users']) => loginAgent(gateway, tenant.users[role]);

  /** Connect the tenant's Meta account (what the OAuth callback and the asset choice do), through meta-ads-service. */
  const connect = () => connectTenantToSandbox(stack.rpc, listening.url, tenant.tenantId, stack.ids);

  /** Every token the sandbox has issued (the short-lived one and the tenant's long-lived one). */
  const issuedTokens = () => [...sandbox.state.tokens.keys()];

  function upload(
    agent: ReturnType<typeof request.agent>,
    body: Buffer | string,
    type: string,
    fileName?: string,
  ) {
    const req = agent
      .post(SAMPLES)
      .set('Origin', gateway.baseUrl)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Content-Type', type);
    return (fileName ? req.query({ fileName }) : req).send(body);
  }

  it('uploads an image to Meta in chunks → handle; an IMAGE template created with it is PENDING at Meta; the token shows nowhere', async () => {
    const ceo = await loginAs('ceo');
    const file = jpegOf(Math.round(1.3 * MB));
    const logs: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logs.push(String(chunk));
        return true;
      }),
    );
    let uploaded: request.Response;
    let created: request.Response;
    let refused: request.Response;
    try {
      uploaded = await upload(ceo, file, 'image/jpeg', 'promo diciembre.jpg').expect(201);
      const name = `foto_${Date.now().toString(36)}`;
      created = await ceo
        .post(CREATE)
        .send({
          name,
          language: 'es',
          category: 'MARKETING',
          header: { format: 'IMAGE', exampleHandle: uploaded.body.handle },
          body: { text: 'Hola {{1}}, mira la oferta de esta semana.', examples: ['Ana'] },
        })
        .expect(201);
      // A handle Meta never issued: Meta's own refusal, as a 422 with its words.
      refused = await ceo
        .post(CREATE)
        .send({
          name: `${name}_b`,
          language: 'es',
          category: 'MARKETING',
          header: { format: 'IMAGE', exampleHandle: '4::aW1hZ2UvanBlZw==:inventado' },
          body: { text: 'Mira la oferta de esta semana.' },
        })
        .expect(422);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }

    expect(Object.keys(uploaded.body)).toEqual(['handle']);
    const handle = uploaded.body.handle as string;
    const stored = sandbox.state.uploadedFiles.get(handle);
    expect(stored).toMatchObject({
      fileType: 'image/jpeg',
      fileLength: file.length,
      fileName: 'promo diciembre.jpg',
    });
    expect(stored?.sha256).toBe(sha256(file));

    const name = (created.body as TemplateDetailView).name;
    expect(created.body).toMatchObject({ status: 'PENDING', headerFormat: 'IMAGE' });
    const atMeta = sandbox.state.templates.find((t) => t.name === name);
    expect(atMeta?.status).toBe('PENDING');
    expect(atMeta?.components[0]).toEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [handle] },
    });
    const listed = (await ceo.get(DETAILS).expect(200)).body as TemplateDetailView[];
    expect(listed.find((t) => t.name === name)?.status).toBe('PENDING');

    expect(refused.body).toMatchObject({ code: 'META_REJECTED', details: { metaSubcode: 2494102 } });

    const tokens = issuedTokens();
    expect(tokens.length).toBeGreaterThan(0);
    const gatewayLog = logs.join('');
    expect(gatewayLog).toContain(`POST ${SAMPLES} 201`);
    const serviceLog = metaAds.output();
    expect(serviceLog).toContain('GraphClient');
    for (const token of tokens) {
      for (const text of [
        gatewayLog,
        serviceLog,
        JSON.stringify([uploaded.body, created.body, refused.body]),
      ]) {
        expect(text).not.toContain(token);
      }
    }
  });

  it('refuses other types (415), files over their limit (413), empty or mislabelled files (400), a URL as sample (400)', async () => {
    const ceo = await loginAs('ceo');
    const gif = await upload(ceo, Buffer.from('GIF89a....'), 'image/gif').expect(415);
    expect(gif.body).toMatchObject({ code: 'VALIDATION' });
    expect(gif.body.message).toMatch(
      /is not accepted: send application\/json or image\/jpeg, image\/png, video\/mp4/,
    );
    const json = await ceo.post(SAMPLES).send({ url: 'https://sol.example/promo.jpg' }).expect(415);
    expect(json.body).toMatchObject({ details: { reason: 'unsupported_type' } });
    expect(json.body.message).toMatch(/a template sample must be a JPEG or PNG image/);

    const bigImage = await upload(ceo, jpegOf(5 * MB + 1), 'image/jpeg').expect(413);
    expect(bigImage.body).toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'too_large', maxBytes: 5 * MB },
    });
    expect(bigImage.body.message).toMatch(/larger than 5 MB/);
    const bigVideo = await upload(ceo, Buffer.alloc(16 * MB + 1), 'video/mp4').expect(413);
    expect(bigVideo.body.details).toMatchObject({ reason: 'too_large', maxBytes: 16 * MB });

    expect((await upload(ceo, Buffer.alloc(0), 'image/png').expect(400)).body.details.reason).toBe('empty');
    const html = await upload(ceo, '<html>no soy un pdf</html>', 'application/pdf').expect(400);
    expect(html.body).toMatchObject({ details: { reason: 'content_mismatch' } });

    const url = await ceo
      .post(CREATE)
      .send({
        name: 'oferta_url',
        language: 'es',
        category: 'MARKETING',
        header: { format: 'IMAGE', exampleHandle: 'https://sol.example/promo.jpg' },
        body: { text: 'Mira la oferta.' },
      })
      .expect(400);
    expect(url.body.message).toMatch(/exampleHandle must be the handle of an uploaded sample/);
    const legacy = await ceo
      .post(CREATE)
      .send({
        name: 'oferta_url',
        language: 'es',
        category: 'MARKETING',
        header: { format: 'IMAGE', exampleUrl: 'https://sol.example/promo.jpg' },
        body: { text: 'Mira la oferta.' },
      })
      .expect(400);
    expect(legacy.body.message).toMatch(/exampleUrl/);
    expect(sandbox.state.uploadSessions.size).toBe(1);
  });

  it('is for the ceo, from this site only', async () => {
    const pdf = Buffer.from('%PDF-1.4\n');
    for (const role of ['professional', 'setter'] as const) {
      await upload(await loginAs(role), pdf, 'application/pdf').expect(403);
    }
    await upload(request.agent(gateway.server), pdf, 'application/pdf').expect(401);
    const ceo = await loginAs('ceo');
    await ceo
      .post(SAMPLES)
      .set('Origin', 'https://evil.example')
      .set('Content-Type', 'application/pdf')
      .send(pdf)
      .expect(403);
    // Without Origin or Sec-Fetch-Site a body must be JSON.
    await ceo.post(SAMPLES).set('Content-Type', 'application/pdf').send(pdf).expect(403);
    const spec = await request(gateway.server).get('/api/docs-json').expect(200);
    expect(Object.keys(spec.body.paths as Record<string, unknown>)).toContain(SAMPLES);
  });

  it('Meta’s expected states reach the browser: an outage is 503, an expired token 409 (reconnect)', async () => {
    const ceo = await loginAs('ceo');
    const pdf = Buffer.from('%PDF-1.4\n% muestra\n');
    await fetch(`${listening.url}/_sandbox/outage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    try {
      const outage = await upload(ceo, pdf, 'application/pdf').expect(503);
      expect(outage.body).toMatchObject({ code: 'META_UNAVAILABLE' });
    } finally {
      await fetch(`${listening.url}/_sandbox/outage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
    }
    await fetch(`${listening.url}/_sandbox/tokens/expire`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    const expired = await upload(ceo, pdf, 'application/pdf').expect(409);
    expect(expired.body).toMatchObject({ code: 'META_TOKEN_EXPIRED' });
    expect(JSON.stringify(expired.body)).not.toMatch(/EAA/);
  });
});
