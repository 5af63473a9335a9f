/** A media header's format (`IMAGE`, `VIDEO`, `DOCUMENT`) as Meta names it. */
export type TemplateMediaFormat = 'IMAGE' | 'VIDEO' | 'DOCUMENT';

const MB = 1024 * 1024;

/**
 * The files a template's media header sample may be, with our size limit per type: Meta takes 5 MB images and 16 MB
 * videos; documents may reach 100 MB at Meta, ours stop at 16 MB (the gateway holds the file while it sends it).
 */
export const TEMPLATE_MEDIA_TYPES = {
  'image/jpeg': { format: 'IMAGE', maxBytes: 5 * MB },
  'image/png': { format: 'IMAGE', maxBytes: 5 * MB },
  'video/mp4': { format: 'VIDEO', maxBytes: 16 * MB },
  'application/pdf': { format: 'DOCUMENT', maxBytes: 16 * MB },
} as const satisfies Record<string, { format: TemplateMediaFormat; maxBytes: number }>;

export type TemplateMediaType = keyof typeof TEMPLATE_MEDIA_TYPES;

export const TEMPLATE_MEDIA_TYPE_LIST = Object.keys(TEMPLATE_MEDIA_TYPES) as TemplateMediaType[];

export function isTemplateMediaType(value: string): value is TemplateMediaType {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_MEDIA_TYPES, value);
}

/** The media types a header format takes (what the file input accepts). */
export function templateMediaTypesOf(format: TemplateMediaFormat): TemplateMediaType[] {
  return TEMPLATE_MEDIA_TYPE_LIST.filter((type) => TEMPLATE_MEDIA_TYPES[type].format === format);
}

/**
 * A sample travels from the gateway to meta-ads-service in chunks of `chunkBytes` (base64 in the NATS message: about
 * 683 KB, under NATS' default 1 MB `max_payload`); `maxBytes` is the largest sample of any type.
 */
export const TEMPLATE_MEDIA_LIMITS = {
  maxBytes: 16 * MB,
  chunkBytes: 512 * 1024,
  /** Longest base64 text of one chunk. */
  maxChunkBase64: Math.ceil((512 * 1024) / 3) * 4,
} as const;

/** Why the gateway refuses a sample file (`details.reason` of its 400/413/415; the UI translates the code). */
export const TEMPLATE_MEDIA_FILE_ERRORS = [
  'unsupported_type',
  'too_large',
  'empty',
  'content_mismatch',
] as const;
export type TemplateMediaFileError = (typeof TEMPLATE_MEDIA_FILE_ERRORS)[number];

/** `POST /crm/marketing/automation/templates/media-samples` answers the handle Meta gave the uploaded sample. */
export type TemplateMediaSample = { handle: string };

/** Reply of `meta.templates.media.start`: Meta's upload session (`upload:…`), never shown to the browser. */
export type MediaUploadSession = { sessionId: string };

/** Reply of `meta.templates.media.chunk`: where the next chunk starts, or Meta's handle once the file is complete. */
export type MediaUploadProgress = { fileOffset: number; handle: string | null };
