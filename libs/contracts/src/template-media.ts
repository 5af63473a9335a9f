import { IsBase64, IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { TenantRequest } from './common';
import {
  TEMPLATE_MEDIA_LIMITS,
  TEMPLATE_MEDIA_TYPE_LIST,
  type TemplateMediaType,
} from './model/template-media';

/** Meta's upload session id: `upload:<id>`, sometimes with a `?sig=` suffix that travels as a query parameter. */
export const UPLOAD_SESSION_ID = /^upload:[A-Za-z0-9+=_.:-]{1,1000}(\?sig=[A-Za-z0-9+=_.:-]{1,500})?$/;

/** `meta.templates.media.start`: open a Resumable Upload session at Meta for a template's media sample. */
export class StartMediaUploadRequest extends TenantRequest {
  /** Shown nowhere but Meta's upload; control characters and slashes are not allowed. */
  @IsString()
  @Length(1, 255)
  @Matches(/^[^\p{Cc}/\\]+$/u, {
    message: 'fileName must not contain control characters or slashes',
  })
  fileName!: string;

  @IsInt()
  @Min(1)
  @Max(TEMPLATE_MEDIA_LIMITS.maxBytes)
  fileLength!: number;

  @IsIn(TEMPLATE_MEDIA_TYPE_LIST)
  fileType!: TemplateMediaType;
}

/** `meta.templates.media.chunk`: the bytes of the sample from `fileOffset` on (base64, at most one chunk). */
export class MediaUploadChunkRequest extends TenantRequest {
  @Matches(UPLOAD_SESSION_ID, { message: 'sessionId must be an upload session id (upload:…)' })
  sessionId!: string;

  @IsInt()
  @Min(0)
  @Max(TEMPLATE_MEDIA_LIMITS.maxBytes)
  fileOffset!: number;

  @IsString()
  @Length(4, TEMPLATE_MEDIA_LIMITS.maxChunkBase64)
  @IsBase64()
  data!: string;
}
