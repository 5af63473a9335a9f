import type { IsoInstant } from './common';
import type { LeadStatus } from './crm';
import type { LeadAssignmentReason } from './leads';

/**
 * What a lead's timeline can show, newest first. `message_in` / `message_out` are reserved for the WhatsApp chat
 * messages (crm.messages): the timeline is a list of sources, so messages are one more source.
 */
export const TIMELINE_KINDS = [
  'created',
  'status_changed',
  'assigned',
  'opportunity_created',
  'opportunity_won',
  'opportunity_lost',
  'opportunity_deadline_moved',
  'sale_completed',
  'sale_refunded',
  'hsm_sent',
  'message_in',
  'message_out',
  'opted_out',
  'opted_in',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Sources a timeline is merged from; a source that did not answer is named in `LeadTimelinePage.unavailable`. */
export const TIMELINE_SOURCES = ['activity', 'hsm', 'messages'] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

/** An HSM send as the timeline shows it (WhatsApp's delivery states; `unknown` while the outcome is not known). */
export const HSM_TIMELINE_STATUSES = ['sent', 'delivered', 'read', 'failed', 'unknown'] as const;
export type HsmTimelineStatus = (typeof HSM_TIMELINE_STATUSES)[number];

/**
 * How a lead reached the tenant, kept from the event that created it: a Click-to-WhatsApp ad, a Lead Ads form, a Meta
 * ad of unknown kind (leads recorded before the origin was kept), a plain WhatsApp message, or anything else.
 */
export const LEAD_ORIGIN_CHANNELS = ['whatsapp_ad', 'lead_form', 'meta_ad', 'whatsapp', 'other'] as const;
export type LeadOriginChannel = (typeof LEAD_ORIGIN_CHANNELS)[number];

export type LeadOrigin = {
  channel: LeadOriginChannel;
  at: IsoInstant;
  /** The ad the lead came from (CTWA referral or Lead Ads), when any. */
  adId: string | null;
  /** CTWA referral: the ad's headline and body as WhatsApp delivered them, and its link. */
  headline: string | null;
  body: string | null;
  sourceUrl: string | null;
  /** The first WhatsApp message the contact sent. */
  message: string | null;
  /** Lead Ads: the form the contact filled in. */
  formId: string | null;
  formName: string | null;
};

type TimelineBase = {
  /** Unique across sources; with `at` it orders the timeline. */
  id: string;
  at: IsoInstant;
  /** Who did it; null when the system did (round-robin, automation, an inbound webhook). */
  actorUserId: string | null;
  actorName: string | null;
};

export type TimelineOpportunity = {
  id: string;
  title: string;
  value: number;
  currency: string;
};

export type TimelineEntry =
  | (TimelineBase & { kind: 'created'; origin: LeadOrigin | null })
  | (TimelineBase & { kind: 'status_changed'; from: LeadStatus | null; to: LeadStatus })
  | (TimelineBase & {
      kind: 'assigned';
      reason: LeadAssignmentReason;
      toUserId: string | null;
      toName: string | null;
    })
  | (TimelineBase & {
      kind: 'opportunity_created' | 'opportunity_won' | 'opportunity_lost';
      opportunity: TimelineOpportunity;
      lostReason: string | null;
    })
  | (TimelineBase & {
      kind: 'opportunity_deadline_moved';
      opportunity: TimelineOpportunity;
      from: IsoInstant | null;
      to: IsoInstant | null;
    })
  | (TimelineBase & {
      kind: 'sale_completed' | 'sale_refunded';
      sale: { id: string; amount: number; currency: string };
    })
  | (TimelineBase & {
      kind: 'hsm_sent';
      hsm: { sendId: string; templateName: string | null; status: HsmTimelineStatus; error: string | null };
    })
  | (TimelineBase & {
      kind: 'message_in' | 'message_out';
      message: { id: string; text: string | null; status: string | null };
    })
  | (TimelineBase & {
      kind: 'opted_out' | 'opted_in';
      /** How: a keyword reply, a quick-reply button, or a person (`manual`); the contact's words when they sent them. */
      optOut: { source: OptOutSource; text: string | null };
    });

/** How a contact was opted out (or back in: always `manual`). */
export const OPT_OUT_SOURCES = ['keyword', 'button', 'manual'] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export type LeadTimelinePage = {
  items: TimelineEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** Sources that did not answer: the page is shown without them. */
  unavailable: TimelineSource[];
};

/** One ad from the tenant's catalogue with its creative, for the lead's AdContextCard. */
export type AdContext =
  | {
      adId: string;
      known: true;
      adName: string;
      adsetId: string;
      adsetName: string;
      campaignId: string;
      campaignName: string;
      effectiveStatus: string | null;
      thumbnailUrl: string | null;
      imageUrl: string | null;
      title: string | null;
      body: string | null;
    }
  | { adId: string; known: false };

export type AdContextResult = { ads: AdContext[] };

export const MAX_AD_CONTEXT_IDS = 200;
export const MAX_TIMELINE_PAGE = 100;
export const DEFAULT_TIMELINE_PAGE = 30;
