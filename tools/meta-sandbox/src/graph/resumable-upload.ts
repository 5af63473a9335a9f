import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { authenticate } from '../http/access-token';
import { GraphError, graphErrors } from '../http/graph-error';
import { param } from '../http/request-params';
import type { SandboxState, TokenRecord, UploadSession, UploadedFile } from '../state/sandbox-state';

/**
 * Meta's Resumable Upload API (Graph API guide "Upload a file"):
 *
 * 1. `POST /{app-id}/uploads?file_name&file_length&file_type` → `{id: "upload:<session>?sig=<sig>"}`.
 * 2. `POST /upload:<session>?sig=…` with `Authorization: OAuth <token>`, the `file_offset` header and the bytes as the
 *    body → `{h: "<handle>"}` once the file is complete (a partial chunk: `{id, file_offset}`, the session's new
 *    offset). Chunks must come at the session's offset.
 * 3. `GET /upload:<session>?sig=…` (same auth) → `{id, file_offset}`, to resume.
 *
 * The handle is what `example.header_handle` of a media template header takes (`uploadedFile`).
 */

/** Meta's valid `file_type` values. */
export const UPLOAD_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'];

/** The sandbox's choices (Meta does not document them): a session lives a day, a handle 30 days. */
export const UPLOAD_SESSION_TTL_MS = 24 * 3600 * 1000;
export const UPLOAD_HANDLE_TTL_MS = 30 * 24 * 3600 * 1000;

/** The largest body one chunk request may carry. */
const MAX_CHUNK = '100mb';

const SESSION_PATH = /^\/upload:([^/?]+)$/;

const uploadErrors = {
  tokenNotInHeader: (): GraphError =>
    new GraphError({
      message:
        'An access token is required in the Authorization header (OAuth <token>) to use an upload session.',
      code: 104,
    }),
  missing: (name: string): GraphError =>
    graphErrors.invalidParameter(`(#100) The parameter ${name} is required`),
  offsetHeader: (): GraphError =>
    graphErrors.invalidParameter(
      '(#100) The parameter file_offset is required and must be sent as an HTTP header (file_offset: <bytes>)',
    ),
  wrongOffset: (sent: number, expected: number): GraphError =>
    new GraphError({
      message: `(#100) file_offset ${sent} does not match the upload session's offset ${expected}; resume from ${expected}`,
      code: 100,
      errorData: { file_offset: expected },
    }),
  expired: (id: string): GraphError =>
    new GraphError({
      message: `(#100) The upload session ${id} has expired. Start a new upload session.`,
      code: 100,
    }),
};

/** `upload:` + base64 of an attachment key, like Meta's (no `/` or `+`, so it stays one path segment). */
const newSessionKey = (): string => {
  for (;;) {
    const key = Buffer.from(`1:attachment:${randomUUID()}`, 'utf8').toString('base64');
    if (!/[+/]/.test(key)) return key;
  }
};

const signatureOf = (secret: string, value: string): string =>
  `AR${createHmac('sha256', secret).update(value).digest('base64url').slice(0, 17)}`;

/** `4::<base64 mime>:<opaque>:e:<expiry>:<app id>:<user id>:<sig>`, the shape of Meta's handles. */
const newHandle = (state: SandboxState, session: UploadSession): string => {
  const opaque = randomBytes(48).toString('base64url');
  const expiry = Math.floor((state.now() + UPLOAD_HANDLE_TTL_MS) / 1000);
  const mime = Buffer.from(session.fileType, 'utf8').toString('base64');
  return `4::${mime}:${opaque}:e:${expiry}:${session.appId}:${session.userId}:${signatureOf(state.options.appSecret, opaque)}`;
};

/** The uploaded file behind a handle, or undefined (never issued, or expired). */
export const uploadedFile = (state: SandboxState, handle: string): UploadedFile | undefined => {
  const file = state.uploadedFiles.get(handle);
  if (!file) return undefined;
  return state.now() - file.createdAt > UPLOAD_HANDLE_TTL_MS ? undefined : file;
};

const positiveInteger = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,15}$/.test(value.trim()) && Number(value) > 0 ? Number(value) : undefined;

/** Step 1: `POST /{app-id}/uploads`. */
const startSession = (state: SandboxState, req: Request, token: TokenRecord): unknown => {
  const appId = String(req.params.appId);
  if (appId !== state.options.appId) throw graphErrors.unknownObject(appId, 'post');
  if (token.appId !== appId) throw graphErrors.appPermission();
  const fileName = param(req, 'file_name');
  if (!fileName) throw uploadErrors.missing('file_name');
  const rawLength = param(req, 'file_length');
  if (rawLength === undefined || rawLength === '') throw uploadErrors.missing('file_length');
  const fileLength = positiveInteger(rawLength);
  if (fileLength === undefined) {
    throw graphErrors.invalidParameter(
      `(#100) Param file_length must be a positive integer - got "${rawLength}"`,
    );
  }
  const fileType = param(req, 'file_type');
  if (!fileType) throw uploadErrors.missing('file_type');
  if (!UPLOAD_FILE_TYPES.includes(fileType)) {
    throw graphErrors.invalidParameter(
      `(#100) Param file_type must be one of {${UPLOAD_FILE_TYPES.join(', ')}} - got "${fileType}"`,
    );
  }
  const key = newSessionKey();
  state.uploadSessions.set(key, {
    id: `upload:${key}`,
    appId,
    userId: token.userId,
    fileName,
    fileLength,
    fileType,
    chunks: [],
    offset: 0,
    createdAt: state.now(),
  });
  return { id: `upload:${key}?sig=${signatureOf(state.options.appSecret, key)}` };
};

/** The session a `/upload:<key>?sig=…` request names, checked against its token (header only) and its expiry. */
const sessionOf = (state: SandboxState, req: Request, key: string): UploadSession => {
  const header = req.get('authorization');
  const match = header ? /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) throw uploadErrors.tokenNotInHeader();
  const token = authenticate(state, req, match[1]);
  const method = req.method.toLowerCase();
  const session = state.uploadSessions.get(key);
  const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
  if (!session || sig !== signatureOf(state.options.appSecret, key) || session.userId !== token.userId) {
    throw graphErrors.unknownObject(`upload:${key}`, method);
  }
  if (state.now() - session.createdAt > UPLOAD_SESSION_TTL_MS) throw uploadErrors.expired(session.id);
  return session;
};

/** Step 2: `POST /upload:<key>` with `file_offset` and the bytes. */
const receiveChunk = (state: SandboxState, req: Request, session: UploadSession): unknown => {
  const rawOffset = req.get('file_offset');
  if (rawOffset === undefined || !/^\d{1,15}$/.test(rawOffset.trim())) throw uploadErrors.offsetHeader();
  const offset = Number(rawOffset);
  if (offset !== session.offset) throw uploadErrors.wrongOffset(offset, session.offset);
  const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (bytes.length === 0) throw graphErrors.invalidParameter('(#100) The request has no file data');
  if (offset + bytes.length > session.fileLength) {
    throw graphErrors.invalidParameter(
      `(#100) The data sent (${bytes.length} bytes at offset ${offset}) goes past file_length ${session.fileLength}`,
    );
  }
  session.chunks.push(Buffer.from(bytes));
  session.offset += bytes.length;
  if (session.offset < session.fileLength) return { id: session.id, file_offset: session.offset };
  const handle = newHandle(state, session);
  session.handle = handle;
  state.uploadedFiles.set(handle, {
    handle,
    appId: session.appId,
    userId: session.userId,
    fileName: session.fileName,
    fileLength: session.fileLength,
    fileType: session.fileType,
    sha256: createHash('sha256').update(Buffer.concat(session.chunks)).digest('hex'),
    createdAt: state.now(),
  });
  session.chunks = [];
  return { h: handle };
};

/**
 * The chunk bodies are bytes of any Content-Type (curl's `--data-binary` sends a form type): read them raw before the
 * JSON and form parsers see them.
 */
export const uploadBody = (): ((req: Request, res: Response, next: NextFunction) => void) => {
  const raw = express.raw({ type: () => true, limit: MAX_CHUNK });
  return (req, res, next) => {
    if (req.method === 'POST' && SESSION_PATH.test(req.path)) raw(req, res, next);
    else next();
  };
};

export const createUploadRouter = (state: SandboxState): Router => {
  const router = Router();
  router.post('/:appId/uploads', (req: Request, res: Response) => {
    res.json(startSession(state, req, authenticate(state, req)));
  });
  router.use((req: Request, res: Response, next: NextFunction) => {
    const match = SESSION_PATH.exec(req.path);
    if (!match || (req.method !== 'GET' && req.method !== 'POST')) {
      next();
      return;
    }
    const session = sessionOf(state, req, match[1]);
    res.json(
      req.method === 'GET'
        ? { id: session.id, file_offset: session.offset }
        : receiveChunk(state, req, session),
    );
  });
  return router;
};
