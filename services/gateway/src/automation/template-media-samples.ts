import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Rpc,
  TEMPLATE_MEDIA_LIMITS,
  TEMPLATE_MEDIA_TYPES,
  TEMPLATE_MEDIA_TYPE_LIST,
  isTemplateMediaType,
  type TemplateMediaSample,
  type TemplateMediaType,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { GatewayHttpError } from '../http/http-error';
import { META_BACKED_RPC_TIMEOUT_MS } from '../http/rpc-timeouts';

/** A checked sample file: its bytes, its media type and a file name fit for Meta. */
export type MediaSampleFile = { bytes: Buffer; type: TemplateMediaType; fileName: string };

const LABELS: Record<TemplateMediaType, string> = {
  'image/jpeg': 'JPEG image',
  'image/png': 'PNG image',
  'video/mp4': 'MP4 video',
  'application/pdf': 'PDF document',
};

const EXTENSIONS: Record<TemplateMediaType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'video/mp4': 'mp4',
  'application/pdf': 'pdf',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The first bytes every file of the type starts with (a renamed file or a page saved as .jpg is caught here). */
const SIGNATURES: Record<TemplateMediaType, (bytes: Buffer) => boolean> = {
  'image/jpeg': (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(PNG_SIGNATURE),
  'video/mp4': (b) => b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

const ACCEPTED_TEXT = 'a JPEG or PNG image (up to 5 MB), an MP4 video or a PDF document (up to 16 MB)';

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** 413 for a sample over its type's limit (also raised by the body parser in `configureHttp`). */
export function sampleTooLarge(type: TemplateMediaType): GatewayHttpError {
  const { maxBytes } = TEMPLATE_MEDIA_TYPES[type];
  return new GatewayHttpError(
    413,
    'VALIDATION',
    `the file is larger than ${maxBytes / (1024 * 1024)} MB, the limit for a ${LABELS[type]} sample`,
    { reason: 'too_large', maxBytes },
  );
}

/** The name Meta gets: no control characters or path, at most 255 characters; `sample.<ext>` when there is none. */
export function sampleFileName(raw: unknown, type: TemplateMediaType): string {
  const cleaned =
    typeof raw === 'string'
      ? raw
          .replace(/[\p{Cc}]/gu, '')
          .replace(/^.*[/\\]/, '')
          .trim()
      : '';
  return cleaned === '' ? `sample.${EXTENSIONS[type]}` : cleaned.slice(0, 255);
}

/**
 * The request's body as a template sample, or the 4xx that says why not: 415 for another type (or no file at all),
 * 400 for an empty file or one whose content is not of its declared type, 413 over the type's limit.
 */
export function readMediaSample(
  contentType: string | undefined,
  body: unknown,
  fileName: unknown,
): MediaSampleFile {
  const type = mediaTypeOf(contentType);
  if (!isTemplateMediaType(type) || !Buffer.isBuffer(body)) {
    throw new GatewayHttpError(
      415,
      'VALIDATION',
      `a template sample must be ${ACCEPTED_TEXT}, sent as the request body with its Content-Type` +
        (type ? ` (got ${JSON.stringify(type.slice(0, 100))})` : ''),
      { reason: 'unsupported_type', accepted: TEMPLATE_MEDIA_TYPE_LIST },
    );
  }
  if (body.length === 0) {
    throw new GatewayHttpError(400, 'VALIDATION', 'the file is empty', { reason: 'empty' });
  }
  if (body.length > TEMPLATE_MEDIA_TYPES[type].maxBytes) throw sampleTooLarge(type);
  if (!SIGNATURES[type](body)) {
    throw new GatewayHttpError(
      400,
      'VALIDATION',
      `the file is not a ${LABELS[type]}: its content does not match ${type}`,
      { reason: 'content_mismatch', type },
    );
  }
  return { bytes: body, type, fileName: sampleFileName(fileName, type) };
}

/**
 * Hands a checked sample to meta-ads-service, which uploads it to Meta's Resumable Upload API: a session, then the
 * bytes in chunks that fit a NATS message, each at the offset the previous answer gave (meta-ads-service says where
 * Meta's session stands when a chunk had to be resumed), until Meta answers the handle.
 */
@Injectable()
export class TemplateMediaSamples {
  constructor(private readonly rpc: RpcClient) {}

  async upload(tenantId: string, file: MediaSampleFile): Promise<TemplateMediaSample> {
    const { sessionId } = await this.rpc.call(
      Rpc.meta.startMediaUpload,
      { tenantId, fileName: file.fileName, fileLength: file.bytes.length, fileType: file.type },
      META_BACKED_RPC_TIMEOUT_MS,
    );
    const { chunkBytes } = TEMPLATE_MEDIA_LIMITS;
    // Every chunk once, plus as many resumes: a session that keeps moving back is given up.
    const maxCalls = Math.ceil(file.bytes.length / chunkBytes) * 2 + 2;
    let offset = 0;
    for (let call = 0; call < maxCalls; call++) {
      const progress = await this.rpc.call(
        Rpc.meta.uploadMediaChunk,
        {
          tenantId,
          sessionId,
          fileOffset: offset,
          data: file.bytes.subarray(offset, offset + chunkBytes).toString('base64'),
        },
        META_BACKED_RPC_TIMEOUT_MS,
      );
      if (progress.handle) return { handle: progress.handle };
      if (progress.fileOffset >= file.bytes.length || progress.fileOffset < 0) break;
      offset = progress.fileOffset;
    }
    throw new DomainError('META_UNAVAILABLE', 'Meta did not confirm the uploaded sample; upload it again');
  }
}
