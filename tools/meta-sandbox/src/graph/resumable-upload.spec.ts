import { createHash } from 'node:crypto';
import request from 'supertest';
import { SANDBOX_IDS } from '../dataset/sandbox-ids';
import type { Sandbox } from '../sandbox';
import { mintToken, newSandbox } from '../test-support/sandbox-fixture';
import { UPLOAD_SESSION_TTL_MS } from './resumable-upload';

type ErrorBody = {
  error: {
    message: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    error_data?: Record<string, unknown>;
  };
};

const APP = SANDBOX_IDS.appId;
const WABA = SANDBOX_IDS.wabaId;
const PHONE = SANDBOX_IDS.phoneNumberIds[0];
/** Enough of a JPEG for the sandbox (it keeps bytes, it does not decode them). */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2996, 7)]);
const PDF = Buffer.from('%PDF-1.4\n% sample\n');

describe('Resumable Upload API and media template samples', () => {
  let clock: number;
  let sandbox: Sandbox;
  let token: string;

  beforeEach(async () => {
    clock = Date.parse('2026-12-01T15:00:00Z');
    sandbox = newSandbox({ now: () => new Date(clock) });
    token = await mintToken(sandbox);
  });
  afterEach(() => sandbox.state.cancelTimers());

  const start = (query: Record<string, string | number>, auth = token) =>
    request(sandbox.app)
      .post(`/v23.0/${APP}/uploads`)
      .query({ ...query, access_token: auth });

  const openSession = async (file: Buffer, fileType = 'image/jpeg'): Promise<string> => {
    const res = await start({ file_name: 'muestra', file_length: file.length, file_type: fileType }).expect(
      200,
    );
    return (res.body as { id: string }).id;
  };

  /** `upload:<key>?sig=…` → the request path and query as a client builds them. */
  const sessionRequest = (method: 'get' | 'post', sessionId: string, auth = `OAuth ${token}`) => {
    const req = request(sandbox.app)[method](`/v23.0/${sessionId}`);
    return auth ? req.set('Authorization', auth) : req;
  };

  const sendChunk = (sessionId: string, offset: number, bytes: Buffer, auth?: string) =>
    sessionRequest('post', sessionId, auth)
      .set('file_offset', String(offset))
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);

  const upload = async (file: Buffer, fileType = 'image/jpeg'): Promise<string> => {
    const sessionId = await openSession(file, fileType);
    const res = await sendChunk(sessionId, 0, file).expect(200);
    return (res.body as { h: string }).h;
  };

  const createTemplate = (header: Record<string, unknown>, name = 'oferta_con_foto') =>
    request(sandbox.app)
      .post(`/v23.0/${WABA}/message_templates`)
      .set('Authorization', `Bearer ${token}`)
      .send({
        name,
        language: 'es',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', ...header },
          { type: 'BODY', text: 'Mira la oferta de esta semana.' },
        ],
      });

  it('opens a session, takes the file in chunks at successive offsets and answers its handle', async () => {
    const sessionId = await openSession(JPEG);
    expect(sessionId).toMatch(/^upload:[A-Za-z0-9=]+\?sig=AR[A-Za-z0-9_-]+$/);

    const first = await sendChunk(sessionId, 0, JPEG.subarray(0, 1000)).expect(200);
    expect(first.body).toEqual({ id: sessionId.split('?')[0], file_offset: 1000 });
    const status = await sessionRequest('get', sessionId).expect(200);
    expect(status.body).toEqual({ id: sessionId.split('?')[0], file_offset: 1000 });
    await sendChunk(sessionId, 1000, JPEG.subarray(1000, 2000)).expect(200);
    const last = await sendChunk(sessionId, 2000, JPEG.subarray(2000)).expect(200);

    const handle = (last.body as { h: string }).h;
    expect(handle).toMatch(
      new RegExp(`^4::${Buffer.from('image/jpeg').toString('base64')}:[^:]+:e:\\d+:${APP}:`),
    );
    const stored = sandbox.state.uploadedFiles.get(handle);
    expect(stored).toMatchObject({ fileType: 'image/jpeg', fileLength: JPEG.length, fileName: 'muestra' });
    expect(stored?.sha256).toBe(createHash('sha256').update(JPEG).digest('hex'));
  });

  it('refuses a chunk at the wrong offset and says where the session stands', async () => {
    const sessionId = await openSession(JPEG);
    await sendChunk(sessionId, 0, JPEG.subarray(0, 1500)).expect(200);
    // The same chunk again (its answer was lost): the session is past it.
    const again = await sendChunk(sessionId, 0, JPEG.subarray(0, 1500)).expect(400);
    const { error } = again.body as ErrorBody;
    expect(error.code).toBe(100);
    expect(error.message).toMatch(/file_offset 0 does not match the upload session's offset 1500/);
    expect(error.error_data).toEqual({ file_offset: 1500 });
    const status = await sessionRequest('get', sessionId).expect(200);
    expect((status.body as { file_offset: number }).file_offset).toBe(1500);
    // Past the declared length, without an offset header, or empty: refused.
    const tooLong = await sendChunk(sessionId, 1500, Buffer.alloc(2000)).expect(400);
    expect((tooLong.body as ErrorBody).error.message).toMatch(/goes past file_length 3000/);
    const noOffset = await sessionRequest('post', sessionId).send(Buffer.alloc(10)).expect(400);
    expect((noOffset.body as ErrorBody).error.message).toMatch(/file_offset is required/);
    const empty = await sendChunk(sessionId, 1500, Buffer.alloc(0)).expect(400);
    expect((empty.body as ErrorBody).error.message).toMatch(/no file data/);
    await sendChunk(sessionId, 1500, JPEG.subarray(1500)).expect(200);
  });

  it('validates the session request: length, type, name and the app', async () => {
    const errorOf = async (query: Record<string, string | number>) =>
      ((await start(query).expect(400)).body as ErrorBody).error;
    expect((await errorOf({ file_name: 'a', file_length: 10, file_type: 'image/gif' })).message).toBe(
      '(#100) Param file_type must be one of {application/pdf, image/jpeg, image/jpg, image/png, video/mp4} - got "image/gif"',
    );
    expect((await errorOf({ file_name: 'a', file_length: 0, file_type: 'image/png' })).message).toMatch(
      /file_length must be a positive integer/,
    );
    expect((await errorOf({ file_name: 'a', file_type: 'image/png' })).message).toMatch(
      /parameter file_length is required/,
    );
    expect((await errorOf({ file_length: 10, file_type: 'image/png' })).message).toMatch(
      /parameter file_name is required/,
    );
    const otherApp = await request(sandbox.app)
      .post('/v23.0/1999999999999999/uploads')
      .query({ file_name: 'a', file_length: 10, file_type: 'image/png', access_token: token })
      .expect(400);
    expect((otherApp.body as ErrorBody).error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('answers token errors (190), wants the token in the header for a session, and keeps sessions to their user', async () => {
    const sessionId = await openSession(JPEG);
    const inQuery = await request(sandbox.app)
      .post(`/v23.0/${sessionId}&access_token=${token}`)
      .set('file_offset', '0')
      .send(JPEG)
      .expect(400);
    expect((inQuery.body as ErrorBody).error.code).toBe(104);

    const stranger = await mintToken(sandbox);
    sandbox.state.tokens.get(stranger)!.userId = 'another-user';
    const foreign = await sendChunk(sessionId, 0, JPEG, `OAuth ${stranger}`).expect(400);
    expect((foreign.body as ErrorBody).error).toMatchObject({ code: 100, error_subcode: 33 });
    const unsigned = await sendChunk(sessionId.split('?')[0], 0, JPEG).expect(400);
    expect((unsigned.body as ErrorBody).error).toMatchObject({ code: 100, error_subcode: 33 });

    await request(sandbox.app).post('/_sandbox/tokens/expire').send({ token }).expect(200);
    const expired = await sendChunk(sessionId, 0, JPEG).expect(400);
    expect((expired.body as ErrorBody).error).toMatchObject({ code: 190, error_subcode: 463 });
    const expiredStart = await start({ file_name: 'a', file_length: 10, file_type: 'image/png' }).expect(400);
    expect((expiredStart.body as ErrorBody).error.code).toBe(190);
  });

  it('expires a session after a day', async () => {
    const sessionId = await openSession(JPEG);
    clock += UPLOAD_SESSION_TTL_MS + 1000;
    const late = await sendChunk(sessionId, 0, JPEG).expect(400);
    expect((late.body as ErrorBody).error.message).toMatch(/upload session upload:\S+ has expired/);
  });

  it('creates a media template from an uploaded handle; a URL or a sample of the wrong kind is refused as Meta does', async () => {
    const handle = await upload(JPEG);
    const created = await createTemplate({ format: 'IMAGE', example: { header_handle: [handle] } }).expect(
      200,
    );
    expect(created.body).toMatchObject({ status: 'PENDING' });
    const stored = sandbox.state.templates.find((t) => t.name === 'oferta_con_foto')!;
    expect(stored.components[0]).toEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [handle] },
    });

    const url = await createTemplate(
      { format: 'IMAGE', example: { header_handle: ['https://sol.example/promo.jpg'] } },
      'oferta_url',
    ).expect(400);
    expect((url.body as ErrorBody).error).toMatchObject({
      code: 100,
      error_subcode: 2494102,
      error_user_title: 'Uploaded Media Handle Is Invalid',
    });

    const pdf = await upload(PDF, 'application/pdf');
    const wrongKind = await createTemplate(
      { format: 'IMAGE', example: { header_handle: [pdf] } },
      'oferta_pdf',
    ).expect(400);
    expect((wrongKind.body as ErrorBody).error).toMatchObject({ code: 100, error_subcode: 2388047 });
    expect((wrongKind.body as ErrorBody).error.error_user_msg).toMatch(/application\/pdf/);
    await createTemplate({ format: 'DOCUMENT', example: { header_handle: [pdf] } }, 'oferta_pdf').expect(200);
  });

  it('sends a media-header template only with its media as the header parameter (else 132012)', async () => {
    const handle = await upload(JPEG);
    const { body } = await createTemplate({ format: 'IMAGE', example: { header_handle: [handle] } }).expect(
      200,
    );
    await request(sandbox.app)
      .post(`/_sandbox/templates/${(body as { id: string }).id}/status`)
      .send({ status: 'APPROVED' })
      .expect(200);
    const send = (components?: unknown[]) =>
      request(sandbox.app)
        .post(`/v23.0/${PHONE}/messages`)
        .set('Authorization', `Bearer ${token}`)
        .send({
          messaging_product: 'whatsapp',
          to: '+5215512345678',
          type: 'template',
          template: {
            name: 'oferta_con_foto',
            language: { code: 'es' },
            ...(components ? { components } : {}),
          },
        });
    const without = await send().expect(400);
    expect((without.body as ErrorBody).error).toMatchObject({
      code: 132012,
      error_data: { details: 'header: Format mismatch, expected IMAGE, received UNKNOWN' },
    });
    const asText = await send([{ type: 'header', parameters: [{ type: 'text', text: 'Hola' }] }]).expect(400);
    expect((asText.body as ErrorBody).error.code).toBe(132012);
    await send([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://sol.example/oferta.jpg' } }] },
    ]).expect(200);
  });
});
