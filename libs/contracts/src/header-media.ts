import { IsIn, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';
import { MEDIA_HEADER_FORMATS, type HeaderMedia, type MediaHeaderFormat } from './model/automation';

/**
 * The media of a template's IMAGE/VIDEO/DOCUMENT header, as a rule stores it and as a send carries it: a public https
 * link Meta fetches when it sends (REFERENCE §7.3, media objects by `link`).
 */
export class HeaderMediaInput implements HeaderMedia {
  @IsIn(MEDIA_HEADER_FORMATS) format!: MediaHeaderFormat;

  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false },
    { message: 'headerMedia.link must be an https URL Meta can fetch' },
  )
  @MaxLength(2048)
  link!: string;

  /** DOCUMENT only: the file name the recipient sees. */
  @IsOptional() @IsString() @MaxLength(240) filename?: string | null;
}
