import type { IsoInstant } from './common';

/** Customer-service window after a contact's message (REFERENCE §7.8): free-form replies only inside it. */
export const SERVICE_WINDOW_HOURS = 24;
/** Window after a message that came from a Click-to-WhatsApp ad (free entry point). */
export const CTWA_WINDOW_HOURS = 72;

export const CHAT_FILTERS = ['mine', 'unassigned', 'all'] as const;
export type ChatFilter = (typeof CHAT_FILTERS)[number];

export const CHAT_MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type ChatMessageDirection = (typeof CHAT_MESSAGE_DIRECTIONS)[number];

export const CHAT_MESSAGE_TYPES = ['text', 'template'] as const;
export type ChatMessageType = (typeof CHAT_MESSAGE_TYPES)[number];

/**
 * Delivery of a message: `queued` until Meta's `sent`, then `delivered` and `read` (never backwards); `failed` keeps
 * Meta's error; `unknown` when Meta did not answer (the message may or may not have gone out; it is never re-sent).
 */
export const CHAT_MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed', 'unknown'] as const;
export type ChatMessageStatus = (typeof CHAT_MESSAGE_STATUSES)[number];

/** Longest free-form text WhatsApp accepts in one message. */
export const MAX_CHAT_TEXT_LENGTH = 4096;

/** One conversation (one per lead) as the inbox lists it. */
export type ChatView = {
  leadId: string;
  leadName: string;
  phone: string;
  assignedUserId: string | null;
  assignedUserName: string | null;
  lastMessageAt: IsoInstant | null;
  /** Start of the last message's text (or its template name). */
  lastMessagePreview: string | null;
  lastMessageDirection: ChatMessageDirection | null;
  unreadCount: number;
  /** When free-form replies stop being allowed; null when the contact never wrote. */
  windowEndsAt: IsoInstant | null;
  /** `windowEndsAt` is in the future (at the time of the answer). */
  windowOpen: boolean;
};

export type ChatMessageView = {
  id: string;
  leadId: string;
  direction: ChatMessageDirection;
  type: ChatMessageType;
  /** The text of a text message (null for a template, or an inbound message that is not text). */
  body: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  templateParams: string[];
  status: ChatMessageStatus | null;
  /** Meta's error code and title for a failed message. */
  errorCode: number | null;
  errorTitle: string | null;
  sentByUserId: string | null;
  sentByName: string | null;
  createdAt: IsoInstant;
};

/** Conversations, latest message first; `nextCursor` fetches the next (older) page. */
export type ChatPage = { items: ChatView[]; nextCursor: string | null };

/** A page of one conversation, oldest → newest for display; `olderCursor` fetches the messages before it. */
export type ChatThread = { chat: ChatView; items: ChatMessageView[]; olderCursor: string | null };
