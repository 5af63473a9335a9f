import type { LeadView } from './crm';

/** Orders `GET /crm/leads` can sort by; `newest` (created_at desc) is the default. */
export const LEAD_SORTS = ['newest', 'oldest', 'name', 'status'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

/** At most this many tags per lead, each 1–40 characters. */
export const MAX_LEAD_TAGS = 20;
export const MAX_LEAD_TAG_LENGTH = 40;
export const MAX_LEAD_NOTES_LENGTH = 5000;

/** Fields `PATCH /crm/leads/:id` can change (`lead.updated` names the ones that did). */
export const LEAD_UPDATABLE_FIELDS = [
  'name',
  'email',
  'phone',
  'assignedUserId',
  'status',
  'notes',
  'tags',
  'optedOut',
] as const;
export type LeadUpdatableField = (typeof LEAD_UPDATABLE_FIELDS)[number];

/** Why a lead got its seller: a person chose (`manual`) or the tenant's setter rotation (`round_robin`). */
export const LEAD_ASSIGNMENT_REASONS = ['manual', 'round_robin'] as const;
export type LeadAssignmentReason = (typeof LEAD_ASSIGNMENT_REASONS)[number];

/**
 * A page of leads. Without `cursor` the request is page-based: `page` and `total` are filled. With a `cursor`
 * (keyset paging) they are `null` unless `withTotal` was asked. `total` and `totalCapped` count like any list's
 * `CappedTotal` (exact up to `LIST_TOTAL_CAP`, then "more than 10,000"). `nextCursor` is `null` on the last page.
 */
export type LeadPage = {
  items: LeadView[];
  pageSize: number;
  page: number | null;
  total: number | null;
  totalCapped: boolean;
  nextCursor: string | null;
};
