import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TenantRequest } from './common';
import { DomainError } from './errors';
import { LeadViewer } from './leads';
import type { IsoInstant } from './model/common';
import {
  MAX_AD_CONTEXT_IDS,
  MAX_TIMELINE_PAGE,
  type LeadTimelinePage,
  type TimelineEntry,
  type TimelineSource,
} from './model/lead-360';

/** `meta.ads.context`: the catalogue's names and creative for up to 200 ads (no Meta call). */
export class AdContextRequest extends TenantRequest {
  @IsArray()
  @ArrayMaxSize(MAX_AD_CONTEXT_IDS)
  @Matches(/^[0-9]{1,30}$/, { each: true, message: 'each adId must be a numeric Meta id' })
  adIds!: string[];
}

/** `crm.leads.timeline`: newest first, keyset paged (`cursor` from the previous page). */
export class LeadTimelineRequest extends TenantRequest {
  @IsUUID()
  leadId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LeadViewer)
  viewer?: LeadViewer;

  @IsOptional()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a timeline cursor' })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TIMELINE_PAGE)
  limit?: number;
}

/** A position in a timeline: entries strictly older than (at, id) come next. */
export type TimelineCursor = { at: IsoInstant; id: string };

export function encodeTimelineCursor(cursor: TimelineCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

export function decodeTimelineCursor(raw: string): TimelineCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      parsed[1].length <= 100
    ) {
      return { at: new Date(parsed[0]).toISOString(), id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION', 'cursor is not a timeline cursor');
}

/** Newest first; equal instants by id, descending, in code-unit order (PostgreSQL `COLLATE "C"`). */
export function compareTimeline(a: { at: string; id: string }, b: { at: string; id: string }): number {
  const byTime = Date.parse(b.at) - Date.parse(a.at);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** True when `entry` comes after the cursor (is older than it). */
export function isAfterCursor(
  entry: { at: string; id: string },
  cursor: TimelineCursor | undefined,
): boolean {
  return !cursor || compareTimeline(cursor, entry) < 0;
}

/** One source's page: at most `limit` entries after the cursor, and whether it has more. */
export type TimelineSourcePage = { source: TimelineSource; items: TimelineEntry[]; hasMore: boolean };

/**
 * Merge source pages (each already limited to entries after the same cursor) into one page of `limit` entries.
 * Sources that failed are listed in `unavailable`.
 */
export function mergeTimeline(
  pages: TimelineSourcePage[],
  limit: number,
  unavailable: TimelineSource[] = [],
): LeadTimelinePage {
  const all = pages.flatMap((page) => page.items).sort(compareTimeline);
  const items = all.slice(0, limit);
  const more = all.length > limit || pages.some((page) => page.hasMore);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? encodeTimelineCursor({ at: last.at, id: last.id }) : null,
    unavailable,
  };
}
