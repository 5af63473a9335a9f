import { Injectable } from '@nestjs/common';
import {
  decodeTimelineCursor,
  DEFAULT_TIMELINE_PAGE,
  DomainError,
  mergeTimeline,
  type LeadTimelinePage,
  type LeadTimelineRequest,
  type TimelineCursor,
  type TimelineSourcePage,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { MessageStore } from '../chats/message-store';
import { LeadStore } from '../leads/lead-store';
import { visibleTo } from '../leads/leads.service';
import { toTimelineEntry } from './activity-entries';
import { LeadActivityStore } from './lead-activity-store';

/** One source of a lead's timeline: at most `limit` entries older than the cursor, newest first. */
export type CrmTimelineSource = (
  db: EntityManager,
  query: { tenantId: string; leadId: string; cursor: TimelineCursor | undefined; limit: number },
) => Promise<TimelineSourcePage>;

/**
 * A lead's timeline from crm-service's sources (the activity history and the WhatsApp messages of crm.messages).
 * The gateway merges it with automation-service's HSM sends.
 */
@Injectable()
export class LeadTimelineService {
  private readonly sources: CrmTimelineSource[];

  constructor(
    private readonly db: TenantDatabase,
    private readonly leads: LeadStore,
    private readonly activity: LeadActivityStore,
    private readonly messages: MessageStore,
  ) {
    this.sources = [
      async (db, { tenantId, leadId, cursor, limit }) => {
        const rows = await this.activity.page(db, tenantId, leadId, cursor, limit + 1);
        return {
          source: 'activity',
          items: rows.slice(0, limit).map(toTimelineEntry),
          hasMore: rows.length > limit,
        };
      },
      async (db, { tenantId, leadId, cursor, limit }) => {
        const entries = await this.messages.timelinePage(db, tenantId, leadId, cursor, limit + 1);
        return { source: 'messages', items: entries.slice(0, limit), hasMore: entries.length > limit };
      },
    ];
  }

  async timeline(request: LeadTimelineRequest): Promise<LeadTimelinePage> {
    const { tenantId, leadId } = request;
    const cursor = request.cursor ? decodeTimelineCursor(request.cursor) : undefined;
    const limit = request.limit ?? DEFAULT_TIMELINE_PAGE;
    return this.db.withTenant(tenantId, async (db) => {
      if (!(await this.leads.findView(db, tenantId, leadId, visibleTo(request.viewer)))) {
        throw new DomainError('NOT_FOUND', 'lead not found');
      }
      const pages: TimelineSourcePage[] = [];
      for (const source of this.sources) pages.push(await source(db, { tenantId, leadId, cursor, limit }));
      return mergeTimeline(pages, limit);
    });
  }
}
