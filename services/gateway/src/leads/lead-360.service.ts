import { Injectable, Logger } from '@nestjs/common';
import {
  decodeTimelineCursor,
  DEFAULT_TIMELINE_PAGE,
  isAfterCursor,
  mergeTimeline,
  Rpc,
  type AdContext,
  type AdNames,
  type AutomationLogView,
  type HsmTimelineStatus,
  type LeadDetail,
  type LeadTimelinePage,
  type LeadView,
  type LeadViewer,
  type TimelineCursor,
  type TimelineEntry,
  type TimelineSource,
  type TimelineSourcePage,
} from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';

/** The ad catalogue answers from PostgreSQL: a list page never waits longer than this for names. */
export const AD_CONTEXT_TIMEOUT_MS = 1500;
/** HSM sends of one lead (one per rule, ever): one page covers them. */
const HSM_PAGE = 100;

/** The names of a lead's ad from its catalogue entry (`known: false` → ids only, names null). */
export function adNamesOf(lead: LeadView, context: AdContext | undefined): AdNames | null {
  if (!lead.metaAdId) return null;
  if (context?.known) {
    return {
      adId: context.adId,
      adName: context.adName,
      adsetId: context.adsetId,
      adsetName: context.adsetName,
      campaignId: context.campaignId,
      campaignName: context.campaignName,
    };
  }
  return {
    adId: lead.metaAdId,
    adName: null,
    adsetId: lead.metaAdsetId,
    adsetName: null,
    campaignId: lead.metaCampaignId,
    campaignName: null,
  };
}

/** An automation send as a timeline entry; null while it has not gone out (scheduled, skipped). */
export function hsmEntryOf(send: AutomationLogView): TimelineEntry | null {
  const statusOf: Partial<Record<AutomationLogView['status'], HsmTimelineStatus>> = {
    sending: 'unknown',
    sent: 'sent',
    delivered: 'delivered',
    read: 'read',
    replied: 'read',
    failed: 'failed',
  };
  const status = statusOf[send.status];
  if (!status) return null;
  const failedAt = send.history.filter((h) => h.status === 'failed').at(-1)?.at;
  return {
    id: `hsm:${send.id}`,
    kind: 'hsm_sent',
    at: send.sentAt ?? failedAt ?? send.scheduledFor,
    actorUserId: null,
    actorName: null,
    hsm: {
      sendId: send.id,
      templateName: send.templateName,
      status,
      error: send.error?.message ?? null,
    },
  };
}

/** One page of the HSM source: the lead's sends older than the cursor, newest first. */
export function hsmPage(
  sends: AutomationLogView[],
  cursor: TimelineCursor | undefined,
  limit: number,
): TimelineSourcePage {
  const entries = sends
    .map(hsmEntryOf)
    .filter((entry): entry is TimelineEntry => entry !== null && isAfterCursor(entry, cursor));
  return { source: 'hsm', items: entries.slice(0, limit), hasMore: entries.length > limit };
}

/**
 * The lead 360 as the gateway assembles it: ad names and creative from meta-ads-service's catalogue (one batch call
 * per page; leads still answer when it is down or slow), and the timeline merged from crm-service's history and
 * automation-service's HSM sends.
 */
@Injectable()
export class Lead360Service {
  private readonly logger = new Logger('Lead360');

  constructor(private readonly rpc: RpcClient) {}

  /** The catalogue entries of these ads; null when meta-ads-service did not answer in time. */
  private async adContexts(tenantId: string, adIds: string[]): Promise<Map<string, AdContext> | null> {
    const wanted = [...new Set(adIds)];
    if (wanted.length === 0) return new Map();
    try {
      const { ads } = await this.rpc.call(
        Rpc.meta.adContext,
        { tenantId, adIds: wanted },
        AD_CONTEXT_TIMEOUT_MS,
      );
      return new Map(ads.map((ad) => [ad.adId, ad]));
    } catch (error) {
      this.logger.warn(`ad names unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /** Each lead with `adNames` (null for leads without an ad, or every lead when the catalogue is unavailable). */
  async withAdNames<L extends LeadView>(tenantId: string, leads: L[]): Promise<L[]> {
    const contexts = await this.adContexts(
      tenantId,
      leads.flatMap((lead) => (lead.metaAdId ? [lead.metaAdId] : [])),
    );
    return leads.map((lead) => ({
      ...lead,
      adNames: contexts && lead.metaAdId ? adNamesOf(lead, contexts.get(lead.metaAdId)) : null,
    }));
  }

  /** The detail with its ad's names and creative (adContext null when there is no ad or no answer). */
  async withAdContext(tenantId: string, lead: LeadDetail): Promise<LeadDetail> {
    const contexts = await this.adContexts(tenantId, lead.metaAdId ? [lead.metaAdId] : []);
    const context = lead.metaAdId ? (contexts?.get(lead.metaAdId) ?? null) : null;
    return {
      ...lead,
      adNames: contexts && lead.metaAdId ? adNamesOf(lead, context ?? undefined) : null,
      adContext: context,
    };
  }

  async timeline(
    tenantId: string,
    leadId: string,
    viewer: LeadViewer,
    query: { cursor?: string; limit?: number },
  ): Promise<LeadTimelinePage> {
    const limit = query.limit ?? DEFAULT_TIMELINE_PAGE;
    const cursor: TimelineCursor | undefined = query.cursor ? decodeTimelineCursor(query.cursor) : undefined;
    const [crm, hsm] = await Promise.all([
      this.rpc.call(Rpc.crm.leadTimeline, { tenantId, leadId, viewer, cursor: query.cursor, limit }),
      this.rpc
        .call(Rpc.automation.listLogs, { tenantId, leadId, pageSize: HSM_PAGE })
        .then((page) => hsmPage(page.items, cursor, limit))
        .catch((error: unknown) => {
          this.logger.warn(
            `HSM sends unavailable: ${error instanceof Error ? error.message : String(error)}`,
          );
          return null;
        }),
    ]);
    const pages: TimelineSourcePage[] = [
      { source: 'activity', items: crm.items, hasMore: crm.nextCursor !== null },
    ];
    const unavailable: TimelineSource[] = [...crm.unavailable];
    if (hsm) pages.push(hsm);
    else unavailable.push('hsm');
    return mergeTimeline(pages, limit, unavailable);
  }
}
