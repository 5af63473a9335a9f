import { Injectable } from '@nestjs/common';
import type {
  ChatMessageDirection,
  ChatMessageStatus,
  ChatMessageType,
  ChatMessageView,
  TimelineCursor,
  TimelineEntry,
  WhatsappStatus,
} from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import { updateReturning } from '../common/sql';
import { INSTANT_SQL, STATUS_RANK_SQL, type Keyset } from './chat-rules';

/**
 * `crm.messages`: WhatsApp messages in and out of a lead's conversation. Every method takes the tenant-scoped handle
 * of `TenantDatabase.withTenant` and the tenant id, and filters by it as well.
 */

type MessageRow = {
  id: string;
  lead_id: string;
  direction: ChatMessageDirection;
  type: ChatMessageType;
  body: string | null;
  template_name: string | null;
  template_language: string | null;
  template_params: string[];
  status: ChatMessageStatus | null;
  error_code: number | null;
  error_title: string | null;
  sent_by_user_id: string | null;
  sent_by_name: string | null;
  created_at: Date;
  cursor_at: string;
};

const SELECT_VIEW = `
  SELECT m.id, m.lead_id, m.direction, m.type, m.body, m.template_name, m.template_language, m.template_params,
         m.status, m.error_code, m.error_title, m.sent_by_user_id, u.name AS sent_by_name, m.created_at,
         ${INSTANT_SQL('m.created_at')} AS cursor_at
    FROM crm.messages m
    LEFT JOIN crm.users u ON u.tenant_id = m.tenant_id AND u.id = m.sent_by_user_id`;

export type NewInboundMessage = {
  id: string;
  leadId: string;
  wamid: string;
  body: string | null;
  createdAt: Date;
};

export type NewOutboundMessage = {
  id: string;
  leadId: string;
  type: ChatMessageType;
  body: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  templateParams: string[];
  sentByUserId: string;
};

export type StatusUpdate = {
  wamid: string;
  /** Our message id from the status's callback data, for a status that arrives before the wamid is stored. */
  messageId: string | null;
  status: WhatsappStatus;
  errorCode: number | null;
  errorTitle: string | null;
};

export type MessagePage = { items: ChatMessageView[]; older: Keyset | null };

@Injectable()
export class MessageStore {
  /** Record a contact's message; false when its wamid is already recorded (a redelivery). */
  async insertInbound(db: EntityManager, tenantId: string, message: NewInboundMessage): Promise<boolean> {
    const rows: { id: string }[] = await db.query(
      `INSERT INTO crm.messages (id, tenant_id, lead_id, direction, wamid, type, body, created_at, updated_at)
       VALUES ($1, $2, $3, 'in', $4, 'text', $5, $6, $6)
       ON CONFLICT (tenant_id, wamid) DO NOTHING
       RETURNING id`,
      [message.id, tenantId, message.leadId, message.wamid, message.body, message.createdAt],
    );
    return rows.length > 0;
  }

  /** Record one of our messages as `queued`; null when this id is already taken (a retried request). */
  async insertOutbound(
    db: EntityManager,
    tenantId: string,
    message: NewOutboundMessage,
  ): Promise<ChatMessageView | null> {
    const rows: { id: string }[] = await db.query(
      `INSERT INTO crm.messages (id, tenant_id, lead_id, direction, type, body, template_name, template_language,
                                 template_params, status, sent_by_user_id)
       VALUES ($1, $2, $3, 'out', $4, $5, $6, $7, $8, 'queued', $9)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        message.id,
        tenantId,
        message.leadId,
        message.type,
        message.body,
        message.templateName,
        message.templateLanguage,
        message.templateParams,
        message.sentByUserId,
      ],
    );
    return rows[0] ? this.findView(db, tenantId, message.id) : null;
  }

  async findView(db: EntityManager, tenantId: string, id: string): Promise<ChatMessageView | null> {
    const rows: MessageRow[] = await db.query(`${SELECT_VIEW} WHERE m.tenant_id = $1 AND m.id = $2`, [
      tenantId,
      id,
    ]);
    return rows[0] ? toMessageView(rows[0]) : null;
  }

  /** Meta accepted the message: keep its wamid (a status webhook may already have set it). */
  async setWamid(db: EntityManager, tenantId: string, id: string, wamid: string): Promise<void> {
    await db.query(
      `UPDATE crm.messages SET wamid = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND wamid IS NULL`,
      [tenantId, id, wamid],
    );
  }

  /**
   * The send ended without a wamid: `failed` (Meta refused; nothing was sent) or `unknown` (no answer: it may have
   * gone out, and is never re-sent). Only a message still `queued` changes: a status webhook may have won the race.
   */
  async setOutcome(
    db: EntityManager,
    tenantId: string,
    id: string,
    status: 'failed' | 'unknown',
    error: { code: number | null; title: string } | null,
  ): Promise<void> {
    await db.query(
      `UPDATE crm.messages SET status = $3, error_code = $4, error_title = $5, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'queued'`,
      [tenantId, id, status, error?.code ?? null, error?.title ?? null],
    );
  }

  /**
   * Move one of our messages to a status webhook's status, only forward (see `STATUS_RANK_SQL`); `failed` keeps
   * Meta's error. Found by wamid, or by callback data while the wamid is not stored yet. False when no message of
   * ours changed (not ours, or not a step forward).
   */
  async applyStatus(db: EntityManager, tenantId: string, update: StatusUpdate): Promise<boolean> {
    const rows = await updateReturning(
      db,
      `UPDATE crm.messages
          SET status = $4, wamid = COALESCE(wamid, $2),
              error_code = CASE WHEN $4 = 'failed' THEN $5 ELSE error_code END,
              error_title = CASE WHEN $4 = 'failed' THEN $6 ELSE error_title END,
              updated_at = now()
        WHERE tenant_id = $1 AND direction = 'out'
          AND (wamid = $2 OR (wamid IS NULL AND id = $3::uuid))
          AND status <> 'failed' AND ${STATUS_RANK_SQL('status')} < ${STATUS_RANK_SQL('$4::text')}
       RETURNING id`,
      [tenantId, update.wamid, update.messageId, update.status, update.errorCode, update.errorTitle],
    );
    return rows.length > 0;
  }

  /**
   * The lead's messages, newest first, before `before` when given (`limit` of them, and the position of the oldest
   * one returned when there are more). For the chat thread and the lead's timeline.
   */
  async listForLead(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    options: { limit: number; before?: Keyset | null },
  ): Promise<MessagePage> {
    const params: unknown[] = [tenantId, leadId, options.limit + 1];
    let keyset = '';
    if (options.before) {
      params.push(options.before.at, options.before.id);
      keyset = ` AND (m.created_at < $4::timestamptz OR (m.created_at = $4::timestamptz AND m.id < $5::uuid))`;
    }
    const rows: MessageRow[] = await db.query(
      `${SELECT_VIEW} WHERE m.tenant_id = $1 AND m.lead_id = $2${keyset}
        ORDER BY m.created_at DESC, m.id DESC LIMIT $3`,
      params,
    );
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toMessageView),
      older: rows.length > options.limit && last ? { at: last.cursor_at, id: last.id } : null,
    };
  }
  /**
   * The lead's messages as timeline entries, newest first, strictly older than the timeline cursor (`at`, then the
   * entry id `m<uuid>` in code-unit order, as the other timeline sources compare).
   */
  async timelinePage(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    cursor: TimelineCursor | undefined,
    limit: number,
  ): Promise<TimelineEntry[]> {
    const rows: MessageRow[] = await db.query(
      `${SELECT_VIEW} WHERE m.tenant_id = $1 AND m.lead_id = $2
          AND ($3::timestamptz IS NULL OR m.created_at < $3::timestamptz
               OR (m.created_at = $3::timestamptz AND ('m' || m.id::text) COLLATE "C" < $4::text COLLATE "C"))
        ORDER BY m.created_at DESC, m.id DESC LIMIT $5`,
      [tenantId, leadId, cursor?.at ?? null, cursor?.id ?? null, limit],
    );
    return rows.map((row) => ({
      id: `m${row.id}`,
      at: row.cursor_at,
      kind: row.direction === 'in' ? 'message_in' : 'message_out',
      actorUserId: row.sent_by_user_id,
      actorName: row.sent_by_name,
      message: {
        id: row.id,
        text: row.type === 'template' ? (row.template_name ? `«${row.template_name}»` : null) : row.body,
        status: row.direction === 'out' ? row.status : null,
      },
    }));
  }
}

function toMessageView(row: MessageRow): ChatMessageView {
  return {
    id: row.id,
    leadId: row.lead_id,
    direction: row.direction,
    type: row.type,
    body: row.body,
    templateName: row.template_name,
    templateLanguage: row.template_language,
    templateParams: row.template_params,
    status: row.status,
    errorCode: row.error_code,
    errorTitle: row.error_title,
    sentByUserId: row.sent_by_user_id,
    sentByName: row.sent_by_name,
    createdAt: row.created_at.toISOString(),
  };
}
