import { Injectable } from '@nestjs/common';
import type { ChatFilter, ChatMessageDirection, ChatView } from '@crm/contracts';
import type { EntityManager } from 'typeorm';
import { updateReturning } from '../common/sql';
import { INSTANT_SQL, encodeKeyset, type Keyset } from './chat-rules';

/**
 * `crm.conversations`: one per lead (its window, unread count and last message for the inbox). Every method takes
 * the tenant-scoped handle of `TenantDatabase.withTenant` and the tenant id, and filters by it as well.
 */

type ConversationViewRow = {
  lead_id: string;
  lead_name: string;
  phone: string;
  assigned_user_id: string | null;
  assigned_user_name: string | null;
  last_message_at: Date | null;
  last_message_preview: string | null;
  last_message_direction: ChatMessageDirection | null;
  unread_count: number | null;
  window_ends_at: Date | null;
  window_open: boolean | null;
  cursor_at: string | null;
};

const VIEW_COLUMNS = `l.id AS lead_id, l.name AS lead_name, l.phone, l.assigned_user_id, u.name AS assigned_user_name,
  c.last_message_at, c.last_message_preview, c.last_message_direction, c.unread_count, c.window_ends_at,
  c.window_ends_at > now() AS window_open, ${INSTANT_SQL('c.last_message_at')} AS cursor_at`;

/** The lead with its conversation (if any) and seller; the lead decides visibility and assignment. */
const SELECT_VIEW = `
  SELECT ${VIEW_COLUMNS}
    FROM crm.leads l
    LEFT JOIN crm.conversations c ON c.tenant_id = l.tenant_id AND c.lead_id = l.id
    LEFT JOIN crm.users u ON u.tenant_id = l.tenant_id AND u.id = l.assigned_user_id`;

export type InboundTouch = {
  phoneNumberId: string;
  at: Date;
  windowEndsAt: Date;
  preview: string | null;
};

export type ConversationListQuery = {
  /** Only leads assigned to this user (setters and closers). */
  visibleTo: string | null;
  filter: ChatFilter;
  actorUserId: string;
  after: Keyset | null;
  pageSize: number;
};

@Injectable()
export class ConversationStore {
  /**
   * A contact's message: the conversation's last message (unless a later one is already recorded), the window
   * (never shortened) and one more unread message. Creates the conversation on the first message.
   */
  async recordInbound(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    touch: InboundTouch,
  ): Promise<void> {
    await db.query(
      `INSERT INTO crm.conversations AS c (tenant_id, lead_id, phone_number_id, last_message_at, last_message_preview,
                                           last_message_direction, last_inbound_at, window_ends_at, unread_count)
       VALUES ($1, $2, $3, $4, $5, 'in', $4, $6, 1)
       ON CONFLICT (tenant_id, lead_id) DO UPDATE SET
         phone_number_id = EXCLUDED.phone_number_id,
         last_message_preview = CASE WHEN c.last_message_at IS NULL OR EXCLUDED.last_message_at >= c.last_message_at
                                     THEN EXCLUDED.last_message_preview ELSE c.last_message_preview END,
         last_message_direction = CASE WHEN c.last_message_at IS NULL OR EXCLUDED.last_message_at >= c.last_message_at
                                       THEN 'in' ELSE c.last_message_direction END,
         last_message_at = GREATEST(c.last_message_at, EXCLUDED.last_message_at),
         last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
         window_ends_at = GREATEST(c.window_ends_at, EXCLUDED.window_ends_at),
         unread_count = c.unread_count + 1,
         updated_at = now()`,
      [tenantId, leadId, touch.phoneNumberId, touch.at, touch.preview, touch.windowEndsAt],
    );
  }

  /** Our message: the conversation's last message (created without a window when the contact never wrote). */
  async recordOutbound(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    at: Date,
    preview: string,
  ): Promise<void> {
    await db.query(
      `INSERT INTO crm.conversations AS c (tenant_id, lead_id, last_message_at, last_message_preview,
                                           last_message_direction)
       VALUES ($1, $2, $3, $4, 'out')
       ON CONFLICT (tenant_id, lead_id) DO UPDATE SET
         last_message_preview = CASE WHEN c.last_message_at IS NULL OR EXCLUDED.last_message_at >= c.last_message_at
                                     THEN EXCLUDED.last_message_preview ELSE c.last_message_preview END,
         last_message_direction = CASE WHEN c.last_message_at IS NULL OR EXCLUDED.last_message_at >= c.last_message_at
                                       THEN 'out' ELSE c.last_message_direction END,
         last_message_at = GREATEST(c.last_message_at, EXCLUDED.last_message_at),
         updated_at = now()`,
      [tenantId, leadId, at, preview],
    );
  }

  /** No unread messages left; false when the lead has no conversation. */
  async markRead(db: EntityManager, tenantId: string, leadId: string): Promise<boolean> {
    const rows = await updateReturning(
      db,
      `UPDATE crm.conversations SET unread_count = 0, updated_at = now()
        WHERE tenant_id = $1 AND lead_id = $2 RETURNING lead_id`,
      [tenantId, leadId],
    );
    return rows.length > 0;
  }

  /** The lead's conversation (empty when there is none yet); null when no such lead, or not assigned to `visibleTo`. */
  async findView(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    visibleTo: string | null,
  ): Promise<ChatView | null> {
    const rows: ConversationViewRow[] = await db.query(
      `${SELECT_VIEW} WHERE l.tenant_id = $1 AND l.id = $2 AND ($3::uuid IS NULL OR l.assigned_user_id = $3)`,
      [tenantId, leadId, visibleTo],
    );
    return rows[0] ? toChatView(rows[0]) : null;
  }

  /** Conversations with a message, latest first (keyset on last message time, then lead id). */
  async list(
    db: EntityManager,
    tenantId: string,
    query: ConversationListQuery,
  ): Promise<{ items: ChatView[]; nextCursor: string | null }> {
    const params: unknown[] = [tenantId];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const conditions = ['c.tenant_id = $1', 'c.last_message_at IS NOT NULL'];
    if (query.visibleTo) conditions.push(`l.assigned_user_id = ${param(query.visibleTo)}`);
    if (query.filter === 'mine') conditions.push(`l.assigned_user_id = ${param(query.actorUserId)}`);
    if (query.filter === 'unassigned') conditions.push('l.assigned_user_id IS NULL');
    if (query.after) {
      const at = param(query.after.at);
      const id = param(query.after.id);
      conditions.push(
        `(c.last_message_at < ${at}::timestamptz OR (c.last_message_at = ${at}::timestamptz AND c.lead_id < ${id}::uuid))`,
      );
    }
    const rows: ConversationViewRow[] = await db.query(
      `SELECT ${VIEW_COLUMNS}
         FROM crm.conversations c
         JOIN crm.leads l ON l.tenant_id = c.tenant_id AND l.id = c.lead_id
         LEFT JOIN crm.users u ON u.tenant_id = l.tenant_id AND u.id = l.assigned_user_id
        WHERE ${conditions.join(' AND ')}
        ORDER BY c.last_message_at DESC, c.lead_id DESC
        LIMIT ${param(query.pageSize + 1)}`,
      params,
    );
    const page = rows.slice(0, query.pageSize);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.pageSize && last?.cursor_at
        ? encodeKeyset({ at: last.cursor_at, id: last.lead_id })
        : null;
    return { items: page.map(toChatView), nextCursor };
  }
}

function toChatView(row: ConversationViewRow): ChatView {
  return {
    leadId: row.lead_id,
    leadName: row.lead_name,
    phone: row.phone,
    assignedUserId: row.assigned_user_id,
    assignedUserName: row.assigned_user_name,
    lastMessageAt: row.last_message_at?.toISOString() ?? null,
    lastMessagePreview: row.last_message_preview,
    lastMessageDirection: row.last_message_direction,
    unreadCount: row.unread_count ?? 0,
    windowEndsAt: row.window_ends_at?.toISOString() ?? null,
    windowOpen: row.window_open === true,
  };
}
