import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import { CHAT_FILTERS, MAX_CHAT_TEXT_LENGTH, type ChatFilter } from './model/chats';
import { E164_PATTERN } from './model/crm';
import { ActorRequest } from './opportunities';

/** `crm.chats.list`: conversations the caller may see, latest message first (keyset). */
export class ListChatsRequest extends ActorRequest {
  /** mine: leads assigned to the caller; unassigned: leads without a seller; all (default): everything visible. */
  @IsOptional()
  @IsIn(CHAT_FILTERS)
  filter?: ChatFilter;

  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

/** A conversation, addressed by its lead. */
export class ChatLeadRequest extends ActorRequest {
  @IsUUID()
  leadId!: string;
}

/** `crm.chats.messages`: a page of the conversation, the newest messages first fetched. */
export class ListChatMessagesRequest extends ChatLeadRequest {
  /** `olderCursor` of the previous answer: the messages before it. */
  @IsOptional()
  @IsString()
  @MaxLength(400)
  before?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class ChatTemplate {
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'template.name must be lowercase letters, digits and _' })
  name!: string;

  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'template.language must look like es or es_MX' })
  language!: string;

  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 1024, { each: true, message: 'each template parameter must be 1 to 1024 characters' })
  parameters!: string[];
}

/** `crm.chats.send`: free-form `text` (only inside the window) or a `template` (any time), exactly one. */
export class SendChatMessageRequest extends ChatLeadRequest {
  /** Chosen by the client: the same id never sends twice (a retried request answers the first message). */
  @IsOptional()
  @IsUUID()
  messageId?: string;

  @IsOptional()
  @IsString()
  @Length(1, MAX_CHAT_TEXT_LENGTH)
  text?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => ChatTemplate)
  template?: ChatTemplate;
}

/** `meta.whatsapp.send-text`: a free-form text message (Cloud API `type: "text"`), exactly once per key. */
export class SendTextRequest extends TenantRequest {
  @IsString()
  @Length(1, 200)
  idempotencyKey!: string;

  @Matches(E164_PATTERN, { message: 'to must be in E.164 format' })
  to!: string;

  @IsString()
  @Length(1, MAX_CHAT_TEXT_LENGTH)
  text!: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  callbackData?: string;
}
