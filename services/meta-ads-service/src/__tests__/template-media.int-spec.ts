import { createHash } from 'node:crypto';
import { Rpc, TEMPLATE_MEDIA_LIMITS } from '@crm/contracts';
import { rpcError } from '@crm/testing';
import { BREAKER_RESET_MS, startMetaAdsTestApp, type MetaAdsTestApp } from './meta-ads-test-app';

const CHUNK = TEMPLATE_MEDIA_LIMITS.chunkBytes;

/** A JPEG-looking file of `size` bytes whose content depends on the position (a misplaced chunk changes its hash). */
function jpegOf(size: number): Buffer {
  const file = Buffer.alloc(size);
  for (let i = 0; i < size; i++) file[i] = (i * 31 + (i >> 8)) & 0xff;
  file.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return file;
}

describe('meta-ads-service: media header samples through the Resumable Upload API (real DB, NATS, Meta sandbox)', () => {
  let svc: MetaAdsTestApp;

  beforeAll(async () => {
    svc = await startMetaAdsTestApp();
  });
  afterAll(async () => {
    await svc?.close();
  });
  afterEach(async () => {
    await svc.control('/outage', { enabled: false });
    await svc.releaseAll();
  });

  const chunkAt = (tenantId: string, sessionId: string, file: Buffer, offset: number) =>
    svc.rpc.call(
      Rpc.meta.uploadMediaChunk,
      {
        tenantId,
        sessionId,
        fileOffset: offset,
        data: file.subarray(offset, offset + CHUNK).toString('base64'),
      },
      20_000,
    );

  it('uploads a sample in chunks, answers Meta’s handle, and an IMAGE template created with it is PENDING', async () => {
    const { tenantId } = await svc.connectTenant();
    const file = jpegOf(CHUNK * 2 + 1234);
    const { sessionId } = await svc.rpc.call(Rpc.meta.startMediaUpload, {
      tenantId,
      fileName: 'promo-diciembre.jpg',
      fileLength: file.length,
      fileType: 'image/jpeg',
    });
    expect(sessionId).toMatch(/^upload:\S+\?sig=\S+$/);

    const progress = [];
    for (let offset = 0, handle = null as string | null; handle === null;) {
      const step = await chunkAt(tenantId, sessionId, file, offset);
      progress.push(step);
      offset = step.fileOffset;
      handle = step.handle;
    }
    expect(progress.map((p) => p.fileOffset)).toEqual([CHUNK, CHUNK * 2, file.length]);
    const handle = progress[2].handle!;
    expect(handle).toMatch(/^4::/);
    const stored = svc.sandbox.state.uploadedFiles.get(handle)!;
    expect(stored).toMatchObject({
      fileType: 'image/jpeg',
      fileName: 'promo-diciembre.jpg',
      fileLength: file.length,
    });
    expect(stored.sha256).toBe(createHash('sha256').update(file).digest('hex'));

    const name = `foto_${Date.now().toString(36)}`;
    const created = await svc.rpc.call(Rpc.meta.createTemplate, {
      tenantId,
      name,
      language: 'es',
      category: 'MARKETING',
      header: { format: 'IMAGE', exampleHandle: handle },
      body: { text: 'Tenemos una oferta para ti esta semana.' },
    });
    expect(created).toMatchObject({ name, status: 'PENDING', headerFormat: 'IMAGE' });
    const atMeta = svc.sandbox.state.templates.find((t) => t.name === name)!;
    expect(atMeta.components[0]).toEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [handle] },
    });
    svc.sandbox.state.templates = svc.sandbox.state.templates.filter((t) => t.name !== name);
  });

  it('an approved IMAGE-header template is sent with its image as the header parameter; without it Meta answers 132012', async () => {
    const { tenantId } = await svc.connectTenant();
    const file = jpegOf(4096);
    const { sessionId } = await svc.rpc.call(Rpc.meta.startMediaUpload, {
      tenantId,
      fileName: 'oferta.jpg',
      fileLength: file.length,
      fileType: 'image/jpeg',
    });
    const { handle } = await chunkAt(tenantId, sessionId, file, 0);
    const name = `oferta_${Date.now().toString(36)}`;
    await svc.rpc.call(Rpc.meta.createTemplate, {
      tenantId,
      name,
      language: 'es',
      category: 'MARKETING',
      header: { format: 'IMAGE', exampleHandle: handle! },
      body: { text: 'Hola {{1}}, esta semana tenemos una oferta para ti.', examples: ['Ana'] },
    });
    const atMeta = svc.sandbox.state.templates.find((t) => t.name === name)!;
    atMeta.status = 'APPROVED';
    const to = `+52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const request = {
      tenantId,
      to,
      templateName: name,
      language: 'es',
      bodyParameters: ['Ana'],
    };

    const refused = await rpcError(
      svc.rpc.call(Rpc.meta.sendTemplate, { ...request, idempotencyKey: `test:${name}:1` }),
    );
    expect(refused.details).toMatchObject({ metaCode: 132012 });

    const link = 'https://cdn.example.mx/oferta.jpg';
    const sent = await svc.rpc.call(Rpc.meta.sendTemplate, {
      ...request,
      idempotencyKey: `test:${name}:2`,
      headerMedia: { format: 'IMAGE', link },
    });
    expect(sent.status).toBe('accepted');
    const message = svc.sandbox.state.messages.find((m) => m.wamid === sent.wamid)!;
    expect(message.template?.components).toContainEqual({
      type: 'header',
      parameters: [{ type: 'image', image: { link } }],
    });
    svc.sandbox.state.templates = svc.sandbox.state.templates.filter((t) => t.name !== name);
  });

  it('a media header needs a handle: a URL is refused before Meta, a handle Meta never issued is Meta’s 2494102', async () => {
    const { tenantId } = await svc.connectTenant();
    const request = (header: Record<string, unknown>) =>
      svc.rpc.call(Rpc.meta.createTemplate, {
        tenantId,
        name: `foto_${Date.now().toString(36)}`,
        language: 'es',
        category: 'MARKETING',
        header: header as never,
        body: { text: 'Tenemos una oferta para ti esta semana.' },
      });
    const url = await rpcError(request({ format: 'IMAGE', exampleHandle: 'https://sol.example/promo.jpg' }));
    expect(url.code).toBe('VALIDATION');
    expect(url.message).toMatch(/exampleHandle must be the handle of an uploaded sample/);
    const missing = await rpcError(request({ format: 'VIDEO' }));
    expect(missing.code).toBe('VALIDATION');
    const legacy = await rpcError(request({ format: 'IMAGE', exampleUrl: 'https://sol.example/promo.jpg' }));
    expect(legacy.code).toBe('VALIDATION');

    const unknown = await rpcError(request({ format: 'IMAGE', exampleHandle: '4::aW1hZ2UvanBlZw==:nunca' }));
    expect(unknown.code).toBe('META_REJECTED');
    expect(unknown.details).toMatchObject({ metaCode: 100, metaSubcode: 2494102 });
    expect(unknown.message).toMatch(/Uploaded Media Handle Is Invalid/);
  });

  it('a chunk sent again after its answer was lost goes on from where Meta’s session stands', async () => {
    const { tenantId } = await svc.connectTenant();
    const file = jpegOf(CHUNK + 10);
    const { sessionId } = await svc.rpc.call(Rpc.meta.startMediaUpload, {
      tenantId,
      fileName: 'a.jpg',
      fileLength: file.length,
      fileType: 'image/jpeg',
    });
    expect(await chunkAt(tenantId, sessionId, file, 0)).toEqual({ fileOffset: CHUNK, handle: null });
    // Meta refuses offset 0 now; the service reads the session's offset (GET) and says where to go on.
    expect(await chunkAt(tenantId, sessionId, file, 0)).toEqual({ fileOffset: CHUNK, handle: null });
    const last = await chunkAt(tenantId, sessionId, file, CHUNK);
    expect(last.handle).toMatch(/^4::/);
    expect(svc.sandbox.state.uploadedFiles.get(last.handle!)?.sha256).toBe(
      createHash('sha256').update(file).digest('hex'),
    );
  });

  it('refuses what does not fit the contract: another type, more than 16 MB, a chunk larger than one', async () => {
    const { tenantId } = await svc.connectTenant({ select: false });
    const gif = await rpcError(
      svc.rpc.call(Rpc.meta.startMediaUpload, {
        tenantId,
        fileName: 'a.gif',
        fileLength: 10,
        fileType: 'image/gif' as never,
      }),
    );
    expect(gif.code).toBe('VALIDATION');
    const huge = await rpcError(
      svc.rpc.call(Rpc.meta.startMediaUpload, {
        tenantId,
        fileName: 'a.mp4',
        fileLength: TEMPLATE_MEDIA_LIMITS.maxBytes + 1,
        fileType: 'video/mp4',
      }),
    );
    expect(huge.code).toBe('VALIDATION');
    const bigChunk = await rpcError(
      svc.rpc.call(Rpc.meta.uploadMediaChunk, {
        tenantId,
        sessionId: 'upload:abc?sig=def',
        fileOffset: 0,
        data: Buffer.alloc(CHUNK + 3).toString('base64'),
      }),
    );
    expect(bigChunk.code).toBe('VALIDATION');
  });

  it('an expired token → META_TOKEN_EXPIRED (connection expired, token in no answer); an outage → META_UNAVAILABLE', async () => {
    const { tenantId } = await svc.connectTenant();
    const token = await svc.storedToken(tenantId);
    const file = jpegOf(2000);
    const { sessionId } = await svc.rpc.call(Rpc.meta.startMediaUpload, {
      tenantId,
      fileName: 'a.jpg',
      fileLength: file.length,
      fileType: 'image/jpeg',
    });

    await svc.control('/outage', { enabled: true });
    const outage = await rpcError(chunkAt(tenantId, sessionId, file, 0));
    expect(outage.code).toBe('META_UNAVAILABLE');
    await svc.control('/outage', { enabled: false });
    await new Promise((r) => setTimeout(r, BREAKER_RESET_MS + 100));

    await svc.control('/tokens/expire', { token });
    const expired = await rpcError(chunkAt(tenantId, sessionId, file, 0));
    expect(expired.code).toBe('META_TOKEN_EXPIRED');
    expect(JSON.stringify(expired)).not.toContain(token);
    const status = await svc.rpc.call(Rpc.meta.connectionStatus, { tenantId });
    expect(status.state).toBe('expired');
    const again = await rpcError(
      svc.rpc.call(Rpc.meta.startMediaUpload, {
        tenantId,
        fileName: 'b.jpg',
        fileLength: 10,
        fileType: 'image/png',
      }),
    );
    expect(again.code).toBe('META_TOKEN_EXPIRED');
  });
});
