import { DomainError, LEAD_STATUSES, type LeadSort, type LeadSource, type LeadStatus } from '@crm/contracts';

/**
 * The SQL of the lead list, apart from I/O: filters, the order of each sort and keyset conditions. Every order ends
 * with `id`, so a cursor (the sort keys of the last row) marks an exact boundary: no duplicates, no gaps.
 */

export type LeadFilter = {
  status?: LeadStatus;
  source?: LeadSource;
  campaignId?: string;
  adId?: string;
  assignedUserId?: string;
  tag?: string;
  createdFrom?: string;
  createdTo?: string;
  search?: string;
  /**
   * The ids of the leads matching `search`, when the store found them with `crm.search_lead_ids` (see
   * `SEARCH_ID_LIMIT`) or, for the default order, the page's ids from `crm.search_lead_page`: the list then reads
   * them by id instead of matching `search` row by row.
   */
  searchIds?: string[];
  /**
   * The ids of the leads with `tag` (all of them, or for the default order and its reverse the page's) found in
   * `crm.lead_tags` by `crm.tagged_lead_ids` (see `TAGGED_ID_LIMIT`): the list reads them by id instead of walking
   * the tenant's leads for a tag few of them carry. `tag` is still matched on each row read.
   */
  tagIds?: string[];
  /** Only leads assigned to this user (setters and closers). */
  visibleTo?: string;
};

/** Pipeline position of a status; the same expression as index `leads_tenant_stage_created_idx`. */
export const STAGE_RANK_SQL = `array_position(ARRAY[${LEAD_STATUSES.map((s) => `'${s}'`).join(', ')}]::text[], l.status)`;

type SortKey = { sql: string; cast: 'timestamptz' | 'uuid' | 'text' | 'int'; direction: 'ASC' | 'DESC' };

const CREATED: Omit<SortKey, 'direction'> = { sql: 'l.created_at', cast: 'timestamptz' };
const ID: Omit<SortKey, 'direction'> = { sql: 'l.id', cast: 'uuid' };

const SORT_KEYS: Record<LeadSort, SortKey[]> = {
  newest: [
    { ...CREATED, direction: 'DESC' },
    { ...ID, direction: 'DESC' },
  ],
  oldest: [
    { ...CREATED, direction: 'ASC' },
    { ...ID, direction: 'ASC' },
  ],
  name: [
    { sql: 'l.name', cast: 'text', direction: 'ASC' },
    { ...ID, direction: 'ASC' },
  ],
  status: [
    { sql: STAGE_RANK_SQL, cast: 'int', direction: 'ASC' },
    { ...CREATED, direction: 'DESC' },
    { ...ID, direction: 'DESC' },
  ],
};

/**
 * The cursor values of a row, selected next to it. `created_at` as text with microseconds (a JS Date keeps only
 * milliseconds, which would repeat or skip rows created within the same millisecond).
 */
export const CURSOR_COLUMNS_SQL = `to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_created_at,
  ${STAGE_RANK_SQL} AS cursor_stage_rank`;

export type CursorColumns = {
  id: string;
  name: string;
  cursor_created_at: string;
  cursor_stage_rank: number;
};

export function orderBySql(sort: LeadSort): string {
  return SORT_KEYS[sort].map((key) => `${key.sql} ${key.direction}`).join(', ');
}

/** The sort keys of a row, in order. */
export function cursorValues(sort: LeadSort, row: CursorColumns): (string | number)[] {
  return SORT_KEYS[sort].map((key) =>
    key.sql === CREATED.sql
      ? row.cursor_created_at
      : key.sql === ID.sql
        ? row.id
        : key.cast === 'int'
          ? row.cursor_stage_rank
          : row.name,
  );
}

export function encodeCursor(sort: LeadSort, values: (string | number)[]): string {
  return Buffer.from(JSON.stringify({ s: sort, k: values })).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The sort keys a cursor carries; `VALIDATION` when it was not made by `encodeCursor` for this sort. */
export function decodeCursor(sort: LeadSort, cursor: string): (string | number)[] {
  const invalid = () => new DomainError('VALIDATION', 'cursor is not a nextCursor of this list and sort');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { s, k } = parsed as { s?: unknown; k?: unknown };
  const keys = SORT_KEYS[sort];
  if (s !== sort || !Array.isArray(k) || k.length !== keys.length) throw invalid();
  keys.forEach((key, i) => {
    const value: unknown = k[i];
    const ok =
      key.cast === 'int'
        ? Number.isInteger(value)
        : typeof value === 'string' &&
          value.length <= 400 &&
          (key.cast === 'uuid' ? UUID.test(value) : key.cast === 'timestamptz' ? INSTANT.test(value) : true);
    if (!ok) throw invalid();
  });
  return k as (string | number)[];
}

/**
 * `rows after the cursor` for the sort: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR … with each comparison in its key's
 * direction. `param(value)` adds a parameter and answers its placeholder.
 */
export function afterCursorSql(
  sort: LeadSort,
  values: (string | number)[],
  param: (value: unknown) => string,
): string {
  const keys = SORT_KEYS[sort];
  const placeholders = keys.map((key, i) => `${param(values[i])}::${key.cast}`);
  const alternatives = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k, j) => `${k.sql} = ${placeholders[j]}`);
    const beyond = `${key.sql} ${key.direction === 'ASC' ? '>' : '<'} ${placeholders[i]}`;
    return `(${[...equal, beyond].join(' AND ')})`;
  });
  return `(${alternatives.join(' OR ')})`;
}

/** Conditions (joined with AND) for `filter`, tenant first; `param` as in `afterCursorSql`. */
export function filterSql(tenantId: string, filter: LeadFilter, param: (value: unknown) => string): string {
  const conditions = [`l.tenant_id = ${param(tenantId)}`];
  if (filter.visibleTo) conditions.push(`l.assigned_user_id = ${param(filter.visibleTo)}`);
  if (filter.status) conditions.push(`l.status = ${param(filter.status)}`);
  if (filter.source) conditions.push(`l.lead_source = ${param(filter.source)}`);
  if (filter.campaignId) conditions.push(`l.meta_campaign_id = ${param(filter.campaignId)}`);
  if (filter.adId) conditions.push(`l.meta_ad_id = ${param(filter.adId)}`);
  if (filter.assignedUserId) conditions.push(`l.assigned_user_id = ${param(filter.assignedUserId)}`);
  if (filter.tag) conditions.push(`l.tags @> ARRAY[${param(filter.tag)}::text]`);
  if (filter.tagIds) conditions.push(`l.id = ANY(${param(filter.tagIds)}::uuid[])`);
  if (filter.createdFrom) conditions.push(`l.created_at >= ${param(filter.createdFrom)}::timestamptz`);
  if (filter.createdTo) conditions.push(`l.created_at < ${param(filter.createdTo)}::timestamptz`);
  if (filter.searchIds) {
    conditions.push(`l.id = ANY(${param(filter.searchIds)}::uuid[])`);
  } else {
    const patterns = searchPatterns(filter.search);
    if (patterns) {
      const text = param(patterns.text);
      const phone = param(patterns.phone);
      conditions.push(`(l.name ILIKE ${text} OR l.email ILIKE ${text} OR l.phone ILIKE ${phone})`);
    }
  }
  return conditions.join(' AND ');
}

/**
 * A search matching more leads than this is common enough that walking the list's order finds a page quickly
 * (at least 1 lead in 200 of a 1M-lead tenant matches); a rarer one is read by the ids `crm.search_lead_ids`
 * finds with its trigram indexes. Both return the same rows.
 */
export const SEARCH_ID_LIMIT = 5000;

/**
 * With other filters, or in another order than by creation, a tag on at most this many of the tenant's leads is read
 * by the ids `crm.tagged_lead_ids` finds in `crm.lead_tags` (~10 µs a lead per statement: 40–90 ms at 5,000); a
 * commoner one walks the list's order, where its leads are dense. Both return the same rows.
 */
export const TAGGED_ID_LIMIT = 5000;

/**
 * The ILIKE patterns of a search: the text as typed for name and email, and for the phone the text without
 * separators ("55 1234-5678" finds +5215512345678). `null` for a blank search.
 */
export function searchPatterns(search: string | undefined): { text: string; phone: string } | null {
  const trimmed = search?.trim();
  if (!trimmed) return null;
  const digits = trimmed.replace(/[\s\-().]/g, '');
  return { text: likePattern(trimmed), phone: likePattern(digits || trimmed) };
}

/** Escape `%`, `_` and `\` so user text is matched literally by ILIKE. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
