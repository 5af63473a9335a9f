import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  UPLOAD_SESSION_ID,
  type MediaUploadChunkRequest,
  type MediaUploadProgress,
  type MediaUploadSession,
  type StartMediaUploadRequest,
} from '@crm/contracts';
import { MetaAdsConfig } from '../config';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient, MetaTransportError, type GraphRequest } from '../graph/graph-client';

/** What `POST /upload:<id>` answers: `{h}` once the file is complete, else where the session stands. */
type ChunkAnswer = { h?: unknown; id?: unknown; file_offset?: unknown };

/** Meta's offset as a number (it may come as a JSON number or a string), or null. */
function offsetOf(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Where the upload stands after Meta answered a chunk: its handle when the file is complete; otherwise the offset
 * Meta reports, or (when it reports none) the end of the chunk just sent.
 */
export function progressOf(answer: ChunkAnswer, endOfChunk: number): MediaUploadProgress {
  if (typeof answer.h === 'string' && answer.h !== '') return { fileOffset: endOfChunk, handle: answer.h };
  return { fileOffset: offsetOf(answer.file_offset) ?? endOfChunk, handle: null };
}

/**
 * A failed chunk may still have moved the session: Meta refuses an offset that is not the session's (a chunk whose
 * answer was lost, then sent again), and a timeout may come after Meta stored the bytes. Then the session's offset
 * (`GET /upload:<id>`) says where to go on.
 */
function mayHaveMoved(error: unknown): boolean {
  if (error instanceof MetaTransportError) return error.outcomeUnknown;
  return error instanceof DomainError && error.code === 'META_REJECTED';
}

/**
 * A template's media header sample through Meta's Resumable Upload API (README "Media samples"): a session on the
 * app (`POST /{app-id}/uploads`), the bytes in chunks at successive offsets (`POST /upload:<id>`, `file_offset`
 * header, `Authorization: OAuth`), Meta's handle when the last chunk lands. Stateless between calls (the caller
 * carries session id and offset), so any replica takes any chunk. The tenant's token, the breaker and the error
 * mapping are the Graph client's.
 */
@Injectable()
export class TemplateMediaService {
  private readonly logger = new Logger(TemplateMediaService.name);

  constructor(
    private readonly graph: GraphClient,
    private readonly connections: ConnectionStore,
    private readonly config: MetaAdsConfig,
  ) {}

  async start(
    tenantId: string,
    file: Pick<StartMediaUploadRequest, 'fileName' | 'fileLength' | 'fileType'>,
  ): Promise<MediaUploadSession> {
    const { token } = await this.connections.requireActive(tenantId);
    const answer = await this.graph.post<{ id?: unknown }>({
      tenantId,
      family: 'whatsapp',
      token,
      storedToken: true,
      path: `${this.config.META_APP_ID}/uploads`,
      query: { file_name: file.fileName, file_length: file.fileLength, file_type: file.fileType },
      body: undefined,
    });
    const sessionId = typeof answer.id === 'string' ? answer.id : '';
    if (!UPLOAD_SESSION_ID.test(sessionId)) {
      throw new DomainError('META_UNAVAILABLE', 'Meta opened no usable upload session; try again');
    }
    return { sessionId };
  }

  async sendChunk(
    tenantId: string,
    chunk: Pick<MediaUploadChunkRequest, 'sessionId' | 'fileOffset' | 'data'>,
  ): Promise<MediaUploadProgress> {
    const { token } = await this.connections.requireActive(tenantId);
    const bytes = Buffer.from(chunk.data, 'base64');
    const session: GraphRequest = {
      tenantId,
      family: 'whatsapp',
      token,
      storedToken: true,
      path: chunk.sessionId,
      authScheme: 'OAuth',
    };
    try {
      const answer = await this.graph.post<ChunkAnswer>({
        ...session,
        headers: { file_offset: String(chunk.fileOffset) },
        body: bytes,
      });
      return progressOf(answer, chunk.fileOffset + bytes.length);
    } catch (error) {
      if (!mayHaveMoved(error)) throw error;
      const offset = await this.sessionOffset(session);
      if (offset === null || offset === chunk.fileOffset) throw error;
      this.logger.warn(
        `tenant ${tenantId}: chunk at ${chunk.fileOffset} failed (${(error as DomainError).code}); ` +
          `Meta's upload session stands at ${offset}, going on from there`,
      );
      return { fileOffset: offset, handle: null };
    }
  }

  /** `GET /upload:<id>` → the session's offset; null when Meta cannot say (the chunk's own error then stands). */
  private async sessionOffset(session: GraphRequest): Promise<number | null> {
    try {
      const answer = await this.graph.get<{ file_offset?: unknown }>(session);
      return offsetOf(answer.file_offset);
    } catch {
      return null;
    }
  }
}
