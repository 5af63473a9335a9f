import { Injectable } from '@nestjs/common';
import type { LeadCreatedEvent, LeadSort, LeadSource, LeadStatus, LeadView } from '@crm/contracts';
import { INITIAL_LEAD_STATUS, LIST_TOTAL_CAP, type CappedTotal } from '@crm/contracts';
import { cappedCountSql, cappedTotal } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { bulkInsert } from '../common/bulk-insert';
import { updateReturning, type SqlRunner } from '../common/sql';
import {
  afterCursorSql,
  CURSOR_COLUMNS_SQL,
  cursorValues,
  encodeCursor,
  filterSql,
  orderBySql,
  searchPatterns,
  SEARCH_ID_LIMIT,
  TAGGED_ID_LIMIT,
  type CursorColumns,
  type LeadFilter,
} from './lead-list-query';

/**
 * `crm.leads`: the one place its SQL and its row type live. Every method takes the tenant-scoped handle of
 * `TenantDatabase.withTenant` (row-level security) and the tenant id, and filters by it as well.
 */

/** Every column of a lead, in table order: the one list SELECT, RETURNING and bulk inserts use. */
const COLUMNS = [
  'id',
  'tenant_id',
  'name',
  'phone',
  'email',
  'status',
  'lead_source',
  'meta_ad_id',
  'meta_adset_id',
  'meta_campaign_id',
  'ctwa_clid',
  'meta_leadgen_id',
  'opted_out',
  'assigned_user_id',
  'created_at',
  'updated_at',
  'notes',
  'tags',
] as const;

/** Bulk loads (the demo seed) leave notes and tags to their defaults. */
const BULK_COLUMNS = COLUMNS.filter((column) => column !== 'notes' && column !== 'tags');

/** A lead as PostgreSQL returns it (snake_case), plus the assigned seller's name and phone where joined. */
export type LeadRow = {
  id: string;
  tenant_id: string;
  name: string;
  /** Null only for a Lead Ads lead that left an email and no phone. */
  phone: string | null;
  email: string | null;
  status: LeadStatus;
  lead_source: LeadSource;
  meta_ad_id: string | null;
  meta_adset_id: string | null;
  meta_campaign_id: string | null;
  ctwa_clid: string | null;
  meta_leadgen_id: string | null;
  opted_out: boolean;
  assigned_user_id: string | null;
  created_at: Date;
  updated_at: Date;
  notes: string | null;
  tags: string[];
  assigned_user_name?: string | null;
  assigned_user_phone?: string | null;
};

/** Columns `update` may set (already validated and normalised). */
export type LeadChanges = Partial<
  Pick<LeadRow, 'name' | 'email' | 'phone' | 'assigned_user_id' | 'status' | 'notes' | 'tags' | 'opted_out'>
>;

/** What the list asks for: `offset` (page-based) or `after` (keyset: the sort keys of the previous last row). */
export type LeadListQuery = {
  filter: LeadFilter;
  sort: LeadSort;
  pageSize: number;
  offset?: number;
  after?: (string | number)[];
  withTotal: boolean;
};

/** What a caller supplies to create a lead; the rest has defaults. */
export type NewLead = {
  name: string;
  /** Already normalised (see `normalizePhone`); null only for a Lead Ads lead with an email. */
  phone: string | null;
  email?: string | null;
  status?: LeadStatus;
  leadSource: LeadSource;
  metaAdId?: string | null;
  metaAdsetId?: string | null;
  metaCampaignId?: string | null;
  ctwaClid?: string | null;
  metaLeadgenId?: string | null;
  assignedUserId?: string | null;
  createdAt?: Date;
  /** Lead Ads answers a form's mapping sends to the notes / tags. */
  notes?: string | null;
  tags?: readonly string[];
};

/** A lead read from a CSV import (already validated, deduplicated and assigned). */
export type ImportedLead = {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  leadSource: LeadSource;
  assignedUserId: string | null;
  notes: string | null;
  tags: string[];
};

/** A complete lead for bulk loads (the demo seed): every column given. */
export type LeadRecord = Required<Omit<NewLead, 'phone' | 'notes' | 'tags'>> & {
  id: string;
  phone: string;
  optedOut: boolean;
  updatedAt: Date;
};

export type MetaAttribution = {
  metaAdId: string | null;
  metaAdsetId: string | null;
  metaCampaignId: string | null;
  ctwaClid: string | null;
};

const RETURNING = COLUMNS.join(', ');

const selectView = (extraColumns = ''): string => `
  SELECT ${COLUMNS.map((column) => `l.${column}`).join(', ')}, u.name AS assigned_user_name,
         u.phone AS assigned_user_phone${extraColumns}
    FROM crm.leads l
    LEFT JOIN crm.users u ON u.tenant_id = l.tenant_id AND u.id = l.assigned_user_id`;
const SELECT_VIEW = selectView();

/** Meta-attributed facts of one (campaign, ad set, ad). */
export type AttributionFactsRow = {
  meta_campaign_id: string | null;
  meta_adset_id: string | null;
  meta_ad_id: string | null;
  leads: number;
  opportunities: number;
  sales: number;
  revenue: string;
};

/**
 * Per (campaign, ad set, ad) over META_ADS leads, for instants in [since, until):
 * - leads: leads created in range;
 * - opportunities: every opportunity of those leads (the lead's creation decides, not the opportunity's);
 * - sales / revenue: completed sales of META_ADS leads whose completed_at is in range (any lead creation date).
 * Revenue adds amounts as recorded; `salesCurrencies` says which currencies went into it.
 */
const SUMMARY_SQL = `
  WITH ranged_leads AS (
    SELECT id, meta_campaign_id, meta_adset_id, meta_ad_id
      FROM crm.leads
     WHERE tenant_id = $1 AND lead_source = 'META_ADS' AND created_at >= $2 AND created_at < $3
  ), facts AS (
    SELECT meta_campaign_id, meta_adset_id, meta_ad_id,
           count(*) AS leads, 0::bigint AS opportunities, 0::bigint AS sales, 0::numeric AS revenue
      FROM ranged_leads
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT l.meta_campaign_id, l.meta_adset_id, l.meta_ad_id, 0, count(*), 0, 0
      FROM ranged_leads l
      JOIN crm.opportunities o ON o.tenant_id = $1 AND o.lead_id = l.id
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT l.meta_campaign_id, l.meta_adset_id, l.meta_ad_id, 0, 0, count(*), sum(s.amount)
      FROM crm.sales_transactions s
      JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
     WHERE s.tenant_id = $1 AND s.status = 'completed' AND s.completed_at >= $2 AND s.completed_at < $3
       AND l.lead_source = 'META_ADS'
     GROUP BY 1, 2, 3
  )
  SELECT meta_campaign_id, meta_adset_id, meta_ad_id,
         sum(leads)::int AS leads, sum(opportunities)::int AS opportunities, sum(sales)::int AS sales,
         sum(revenue)::text AS revenue
    FROM facts
   GROUP BY 1, 2, 3
   ORDER BY 1 NULLS LAST, 2 NULLS LAST, 3 NULLS LAST`;

const CURRENCIES_SQL = `
  SELECT DISTINCT s.currency
    FROM crm.sales_transactions s
    JOIN crm.leads l ON l.tenant_id = s.tenant_id AND l.id = s.lead_id
   WHERE s.tenant_id = $1 AND s.status = 'completed' AND s.completed_at >= $2 AND s.completed_at < $3
     AND l.lead_source = 'META_ADS'
   ORDER BY 1`;

/** `searchIds`: more leads match than it was asked to list. */
const TOO_MANY = 'too-many' as const;

/** A filter on one tag and nothing else, across the tenant (one assignee's is read from the assignee index). */
function onlyTag(filter: LeadFilter): filter is LeadFilter & { tag: string } {
  return (
    filter.tag !== undefined &&
    Object.entries(filter).every(([key, value]) => key === 'tag' || value === undefined)
  );
}

@Injectable()
export class LeadStore {
  /**
   * Insert a lead unless one with the same phone (or the same leadgen id) exists in the tenant.
   * Returns the new row, or `null` when a unique constraint made it a no-op. Safe under concurrency.
   */
  async insertIfAbsent(db: EntityManager, tenantId: string, lead: NewLead): Promise<LeadRow | null> {
    const rows: LeadRow[] = await db.query(
      `INSERT INTO crm.leads (tenant_id, name, phone, email, status, lead_source, meta_ad_id, meta_adset_id,
                              meta_campaign_id, ctwa_clid, meta_leadgen_id, assigned_user_id, created_at, updated_at,
                              notes, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE($13, now()), COALESCE($13, now()),
               $14, $15::text[])
       ON CONFLICT DO NOTHING
       RETURNING ${RETURNING}`,
      [
        tenantId,
        lead.name,
        lead.phone,
        lead.email ?? null,
        lead.status ?? INITIAL_LEAD_STATUS,
        lead.leadSource,
        lead.metaAdId ?? null,
        lead.metaAdsetId ?? null,
        lead.metaCampaignId ?? null,
        lead.ctwaClid ?? null,
        lead.metaLeadgenId ?? null,
        lead.assignedUserId ?? null,
        lead.createdAt ?? null,
        lead.notes ?? null,
        lead.tags ?? [],
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * Insert imported leads in one statement, skipping any whose phone another lead took meanwhile (a concurrent
   * create). Returns the rows actually inserted.
   */
  async insertImported(
    db: EntityManager,
    tenantId: string,
    leads: readonly ImportedLead[],
  ): Promise<LeadRow[]> {
    if (leads.length === 0) return [];
    return db.query(
      `INSERT INTO crm.leads (id, tenant_id, name, phone, email, lead_source, assigned_user_id, notes, tags)
       SELECT l.id, $1, l.name, l.phone, l.email, l.lead_source, l.assigned_user_id, l.notes,
              ARRAY(SELECT jsonb_array_elements_text(l.tags))
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::jsonb[])
              WITH ORDINALITY AS l(id, name, phone, email, lead_source, assigned_user_id, notes, tags, n)
        ORDER BY l.n
       ON CONFLICT DO NOTHING
       RETURNING ${RETURNING}`,
      [
        tenantId,
        leads.map((l) => l.id),
        leads.map((l) => l.name),
        leads.map((l) => l.phone),
        leads.map((l) => l.email),
        leads.map((l) => l.leadSource),
        leads.map((l) => l.assignedUserId),
        leads.map((l) => l.notes),
        leads.map((l) => JSON.stringify(l.tags)),
      ],
    );
  }

  /** The tenant's leads having one of these phones or one of these emails (stored lower-case). */
  async findByPhonesOrEmails(
    db: EntityManager,
    tenantId: string,
    phones: readonly string[],
    emails: readonly string[],
  ): Promise<{ id: string; name: string; phone: string | null; email: string | null }[]> {
    if (phones.length === 0 && emails.length === 0) return [];
    return db.query(
      `SELECT id, name, phone, email FROM crm.leads WHERE tenant_id = $1 AND phone = ANY($2::text[])
       UNION
       SELECT id, name, phone, email FROM crm.leads WHERE tenant_id = $1 AND email = ANY($3::text[])`,
      [tenantId, phones, emails],
    );
  }

  /** Bulk load complete leads (the demo seed); `db` is a transaction allowed to write the tenant. */
  async insertMany(db: SqlRunner, tenantId: string, leads: readonly LeadRecord[]): Promise<void> {
    await bulkInsert(
      db,
      'crm.leads',
      BULK_COLUMNS,
      leads.map((l) => [
        l.id,
        tenantId,
        l.name,
        l.phone,
        l.email,
        l.status,
        l.leadSource,
        l.metaAdId,
        l.metaAdsetId,
        l.metaCampaignId,
        l.ctwaClid,
        l.metaLeadgenId,
        l.optedOut,
        l.assignedUserId,
        l.createdAt,
        l.updatedAt,
      ]),
    );
  }

  /** The lead, or null when there is none or it is not assigned to `visibleTo` (when given). */
  async findView(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    visibleTo?: string,
  ): Promise<LeadView | null> {
    const rows: LeadRow[] = await db.query(
      `${SELECT_VIEW} WHERE l.tenant_id = $1 AND l.id = $2 AND ($3::uuid IS NULL OR l.assigned_user_id = $3)`,
      [tenantId, leadId, visibleTo ?? null],
    );
    return rows[0] ? toLeadView(rows[0]) : null;
  }

  /** The lead row-locked until the transaction ends; null as for `findView`. */
  async lock(
    db: EntityManager,
    tenantId: string,
    leadId: string,
    visibleTo?: string,
  ): Promise<LeadRow | null> {
    const rows: LeadRow[] = await db.query(
      `SELECT ${RETURNING} FROM crm.leads
        WHERE tenant_id = $1 AND id = $2 AND ($3::uuid IS NULL OR assigned_user_id = $3) FOR UPDATE`,
      [tenantId, leadId, visibleTo ?? null],
    );
    return rows[0] ?? null;
  }

  /** The other lead of the tenant with this phone (id and name), if any. */
  async findOtherByPhone(
    db: EntityManager,
    tenantId: string,
    phone: string,
    exceptLeadId: string,
  ): Promise<{ id: string; name: string } | null> {
    const rows: { id: string; name: string }[] = await db.query(
      `SELECT id, name FROM crm.leads WHERE tenant_id = $1 AND phone = $2 AND id <> $3`,
      [tenantId, phone, exceptLeadId],
    );
    return rows[0] ?? null;
  }

  /** Set the given columns; returns the new `updated_at`. */
  async update(db: EntityManager, tenantId: string, leadId: string, changes: LeadChanges): Promise<Date> {
    const params: unknown[] = [tenantId, leadId];
    const sets = Object.entries(changes).map(([column, value]) => {
      params.push(value);
      return `${column} = $${params.length}`;
    });
    const rows = await updateReturning<{ updated_at: Date }>(
      db,
      `UPDATE crm.leads SET ${[...sets, 'updated_at = now()'].join(', ')}
        WHERE tenant_id = $1 AND id = $2 RETURNING updated_at`,
      params,
    );
    return rows[0].updated_at;
  }

  async findIdByPhone(db: EntityManager, tenantId: string, phone: string): Promise<string | null> {
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 AND phone = $2`,
      [tenantId, phone],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The tenant's lead a Lead Ads answer is the same person as: the one with this phone, else the oldest with this
   * email (emails are stored lower-case). Null when there is none.
   */
  async findIdByPhoneOrEmail(
    db: EntityManager,
    tenantId: string,
    phone: string | null,
    email: string | null,
  ): Promise<string | null> {
    if (phone) {
      const byPhone = await this.findIdByPhone(db, tenantId, phone);
      if (byPhone) return byPhone;
    }
    if (!email) return null;
    const rows: { id: string }[] = await db.query(
      `SELECT id FROM crm.leads WHERE tenant_id = $1 AND email = $2 ORDER BY created_at, id LIMIT 1`,
      [tenantId, email],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Until this transaction ends, no other transaction takes this (tenant, email) lock: two Lead Ads answers with
   * one email and no common phone never both create a lead (there is no unique index on email).
   */
  async lockEmail(db: EntityManager, tenantId: string, email: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `crm.leads.email:${tenantId}:${email}`,
    ]);
  }

  /** The lead's status, row-locked until the transaction ends; null when there is no such lead. */
  async lockStatus(db: EntityManager, tenantId: string, leadId: string): Promise<LeadStatus | null> {
    const rows: { status: LeadStatus }[] = await db.query(
      `SELECT status FROM crm.leads WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, leadId],
    );
    return rows[0]?.status ?? null;
  }

  /** Set the status; returns the new `updated_at`. */
  async setStatus(db: EntityManager, tenantId: string, leadId: string, status: LeadStatus): Promise<Date> {
    const rows = await updateReturning<{ updated_at: Date }>(
      db,
      `UPDATE crm.leads SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2
       RETURNING updated_at`,
      [tenantId, leadId, status],
    );
    return rows[0].updated_at;
  }

  /** One page in the query's order (plus the sort keys of the row after it, if any), and the total if asked. */
  async list(
    db: EntityManager,
    tenantId: string,
    query: LeadListQuery,
  ): Promise<{ items: LeadView[]; total: number | null; totalCapped: boolean; nextCursor: string | null }> {
    // With a total the ids are needed anyway (to count them): the page reads from them too, one trigram scan.
    const pageIds = query.withTotal ? undefined : await this.searchPageIds(db, query);
    const tagIds = await this.taggedIds(db, query);
    const filter = { ...query.filter, tagIds };
    // A count needs the ids up to the cap: a search matching 5,001–10,000 leads is then counted from the trigram
    // indexes too, and one matching more is "more than 10,000" without counting — not an ILIKE walk of the tenant's
    // leads (seconds at 1,000,000 leads).
    const assignee = assigneeOf(query.filter);
    // Leads with a rarer tag are few enough to match the search on each (ILIKE), cheaper than the trigram scan.
    const found =
      pageIds || tagIds
        ? undefined
        : await this.searchIds(
            db,
            query.filter.search,
            query.withTotal ? LIST_TOTAL_CAP : SEARCH_ID_LIMIT,
            assignee,
          );
    const searchIds = Array.isArray(found) ? found : undefined;
    const { search: _search, visibleTo, assignedUserId, ...otherFilters } = query.filter;
    // The ids are then exactly the matching leads: those of the assignee when there is one (the search looked only
    // at theirs), else the tenant's.
    const onlySearch =
      Object.values(otherFilters).every((value) => value === undefined) &&
      (assignee !== undefined || (visibleTo === undefined && assignedUserId === undefined));
    const counted = !query.withTotal
      ? { total: null, totalCapped: false }
      : found === TOO_MANY && onlySearch
        ? cappedTotal(LIST_TOTAL_CAP + 1)
        : searchIds && onlySearch
          ? cappedTotal(searchIds.length)
          : onlyTag(query.filter)
            ? await this.countTagged(db, query.filter.tag)
            : await this.countCapped(db, tenantId, { ...filter, searchIds });
    return this.page(db, tenantId, { ...query, filter }, pageIds ?? searchIds, counted);
  }

  /**
   * For a tag filter, the ids of the leads with that tag, from `crm.lead_tags` (1768900000197-TaggedLeadPage) rather
   * than by walking the tenant's leads, which for a tag few of them carry reads every lead under row-level security:
   * - the tag alone, newest or oldest first: the page's ids (and those before it in `offset`, and the one after it),
   *   in order after the cursor, as `searchPageIds` finds a search's;
   * - otherwise every lead with the tag when there are at most `TAGGED_ID_LIMIT`; for a commoner tag `undefined`:
   *   walking the list's order finds its leads soon enough.
   * `undefined` also without a tag.
   */
  private async taggedIds(db: EntityManager, query: LeadListQuery): Promise<string[] | undefined> {
    const { tag } = query.filter;
    if (tag === undefined) return undefined;
    const needed = (query.offset ?? 0) + query.pageSize + 1;
    const byCreation = query.sort === 'newest' || query.sort === 'oldest';
    const pageOnly = onlyTag(query.filter) && byCreation && needed <= TAGGED_ID_LIMIT;
    const newestFirst = query.sort !== 'oldest';
    if (!pageOnly) {
      // Counted first (index-only, stops past the limit): a commoner tag's ids are not read only to be dropped.
      const [{ ids }]: { ids: string[] | null }[] = await db.query(
        `SELECT CASE WHEN crm.count_tagged_leads($1, $3) <= $3
                THEN ARRAY(SELECT crm.tagged_lead_ids($1, $2, NULL, NULL, $3)) END AS ids`,
        [tag, newestFirst, TAGGED_ID_LIMIT],
      );
      return ids ?? undefined;
    }
    const [afterCreatedAt, afterId] = query.after ?? [null, null];
    const rows: { id: string }[] = await db.query(
      `SELECT crm.tagged_lead_ids($1, $2, $3::timestamptz, $4::uuid, $5) AS id`,
      [tag, newestFirst, afterCreatedAt, afterId, needed],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The tenant's leads with this tag, up to `LIST_TOTAL_CAP` (one past it, then stops), by an index-only scan of
   * `crm.lead_tags` (1768900000195-LeadTags): under row-level security `crm.leads`' GIN index is never used for `@>`.
   */
  private async countTagged(db: EntityManager, tag: string): Promise<CappedTotal> {
    const rows: { total: number }[] = await db.query(`SELECT crm.count_tagged_leads($1, $2) AS total`, [
      tag,
      LIST_TOTAL_CAP,
    ]);
    return cappedTotal(rows[0].total);
  }

  /** The number of matching leads up to `LIST_TOTAL_CAP` (counts one past the cap, and stops there). */
  private async countCapped(db: EntityManager, tenantId: string, filter: LeadFilter): Promise<CappedTotal> {
    const params: unknown[] = [];
    const where = filterSql(tenantId, filter, (value) => {
      params.push(value);
      return `$${params.length}`;
    });
    const rows: { total: number }[] = await db.query(cappedCountSql(`crm.leads l WHERE ${where}`), params);
    return cappedTotal(rows[0].total);
  }

  /** The page itself: `ids` (when given) narrow the filter to leads found by `crm.search_lead_*`. */
  private async page(
    db: EntityManager,
    tenantId: string,
    query: LeadListQuery,
    ids: string[] | undefined,
    counted: { total: number | null; totalCapped: boolean },
  ): Promise<{ items: LeadView[]; total: number | null; totalCapped: boolean; nextCursor: string | null }> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = filterSql(tenantId, { ...query.filter, searchIds: ids }, param);
    const keyset = query.after ? ` AND ${afterCursorSql(query.sort, query.after, param)}` : '';
    const order = orderBySql(query.sort);
    const window = `LIMIT ${param(query.pageSize + 1)} OFFSET ${param(query.offset ?? 0)}`;
    // One assignee's leads lie one heap page each: a filtered page's ids come from an index-only scan of
    // leads_tenant_assigned_created_idx (which carries the filtered columns), and only the page's rows are read.
    // Unfiltered, their index already yields just the page's rows.
    const { visibleTo: _visibleTo, assignedUserId: _assignedUserId, ...narrowing } = query.filter;
    const filtered = ids !== undefined || Object.values(narrowing).some((value) => value !== undefined);
    const rows: (LeadRow & CursorColumns)[] = await db.query(
      assigneeOf(query.filter) === undefined || !filtered
        ? `${selectView(`, ${CURSOR_COLUMNS_SQL}`)} WHERE ${where}${keyset} ORDER BY ${order} ${window}`
        : `${selectView(`, ${CURSOR_COLUMNS_SQL}`)}
            WHERE l.tenant_id = ${param(tenantId)}
              AND l.id IN (SELECT l.id FROM crm.leads l WHERE ${where}${keyset} ORDER BY ${order} ${window})
            ORDER BY ${order}`,
      params,
    );
    const items = rows.slice(0, query.pageSize);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > query.pageSize && last ? encodeCursor(query.sort, cursorValues(query.sort, last)) : null;
    return { items: items.map(toLeadView), ...counted, nextCursor };
  }

  /**
   * For a search in the default order (newest first) with at most the viewer's or an assignee's filter: the ids of
   * the page's leads (and those before it in `offset`, and the one after it), in order, found by
   * `crm.search_lead_page` in one walk of `crm.lead_search`; the page then reads only those from `crm.leads`.
   * `undefined` when the query is not of that kind: the list then finds its rows as before (`searchIds`).
   */
  private async searchPageIds(db: EntityManager, query: LeadListQuery): Promise<string[] | undefined> {
    const patterns = searchPatterns(query.filter.search);
    const { search, visibleTo, assignedUserId, ...others } = query.filter;
    const needed = (query.offset ?? 0) + query.pageSize + 1;
    const otherFilters = Object.values(others).some((value) => value !== undefined);
    if (!patterns || !search || query.sort !== 'newest' || otherFilters || needed > SEARCH_ID_LIMIT)
      return undefined;
    if (visibleTo && assignedUserId && visibleTo !== assignedUserId) return undefined;
    const [afterCreatedAt, afterId] = query.after ?? [null, null];
    const rows: { id: string }[] = await db.query(
      `SELECT crm.search_lead_page($1, $2, $3, $4::timestamptz, $5::uuid, $6) AS id`,
      [patterns.text, patterns.phone, visibleTo ?? assignedUserId ?? null, afterCreatedAt, afterId, needed],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The ids of the tenant's leads matching `search` (name, email or phone, as `filterSql` matches them), found by
   * `crm.search_lead_ids` with the trigram indexes of `crm.lead_search` (the tenant is the transaction's
   * `app.tenant_id`), or only the `assignee`'s, found by `crm.search_assigned_lead_ids` in their own index range;
   * `undefined` when there is no search, `TOO_MANY` when more than `limit` leads match.
   */
  private async searchIds(
    db: EntityManager,
    search: string | undefined,
    limit: number,
    assignee: string | undefined,
  ): Promise<string[] | typeof TOO_MANY | undefined> {
    const patterns = searchPatterns(search);
    if (!patterns) return undefined;
    const rows: { id: string }[] = assignee
      ? await db.query(`SELECT crm.search_assigned_lead_ids($1, $2, $3, $4) AS id`, [
          patterns.text,
          patterns.phone,
          assignee,
          limit + 1,
        ])
      : await db.query(`SELECT crm.search_lead_ids($1, $2, $3) AS id`, [
          patterns.text,
          patterns.phone,
          limit + 1,
        ]);
    return rows.length > limit ? TOO_MANY : rows.map((row) => row.id);
  }

  /**
   * Give the tenant's lead with this phone (or this id) its Meta attribution, only when it has none yet (neither an ad nor a
   * click id) and, for a Lead Ads lead, when no other lead already carries that leadgen id. The lead's id when it
   * changed (the caller announces it: `lead.attributed`), else null.
   */
  async attachAttribution(
    db: EntityManager,
    tenantId: string,
    lead: { phone: string } | { id: string },
    attribution: MetaAttribution,
    metaLeadgenId: string | null,
  ): Promise<string | null> {
    const byId = 'id' in lead;
    const rows = await updateReturning<{ id: string }>(
      db,
      `UPDATE crm.leads
          SET lead_source = 'META_ADS', meta_ad_id = $3, meta_adset_id = $4, meta_campaign_id = $5,
              ctwa_clid = COALESCE($6, ctwa_clid), meta_leadgen_id = COALESCE(meta_leadgen_id, $7),
              updated_at = now()
        WHERE tenant_id = $1 AND ${byId ? 'id = $2::uuid' : 'phone = $2'} AND meta_ad_id IS NULL AND ctwa_clid IS NULL
          AND ($7::text IS NULL OR NOT EXISTS (
            SELECT 1 FROM crm.leads other WHERE other.tenant_id = $1 AND other.meta_leadgen_id = $7))
       RETURNING id`,
      [
        tenantId,
        byId ? lead.id : lead.phone,
        attribution.metaAdId,
        attribution.metaAdsetId,
        attribution.metaCampaignId,
        attribution.ctwaClid,
        metaLeadgenId,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** Per (campaign, ad set, ad) facts of META_ADS leads for instants in [since, until) (see SUMMARY_SQL). */
  async metaAttribution(
    db: EntityManager,
    tenantId: string,
    since: Date,
    until: Date,
  ): Promise<{ rows: AttributionFactsRow[]; salesCurrencies: string[] }> {
    const params = [tenantId, since, until];
    const rows: AttributionFactsRow[] = await db.query(SUMMARY_SQL, params);
    const currencies: { currency: string }[] = await db.query(CURRENCIES_SQL, params);
    return { rows, salesCurrencies: currencies.map((c) => c.currency) };
  }

  /** Mark the tenant's lead with this phone as opted out; true when it was not already. */
  /**
   * Leads created at or after `since` (assigned to `assignedTo` when given), counted per source and per assignee with
   * the assignee's name: one statement (grouping sets). Most first; unassigned (null) last among equals.
   */
  async recentCounts(
    db: EntityManager,
    tenantId: string,
    since: Date,
    assignedTo: string | null,
  ): Promise<{
    total: number;
    bySource: { source: LeadSource; count: number }[];
    bySeller: { userId: string | null; name: string | null; count: number }[];
  }> {
    // Whole UTC days from the day after `since` come from the kept counts (migration 1767960000000-LeadDayCounts);
    // the leads of `since`'s own, partial day are counted live. The bound is a plain timestamptz parameter: under
    // row-level security only a leakproof comparison can bound the index scan.
    const nextDay = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate() + 1));
    const params: unknown[] = [tenantId, since, nextDay, nextDay.toISOString().slice(0, 10)];
    if (assignedTo) params.push(assignedTo);
    const own = assignedTo ? 'AND assigned_user_id = $5' : '';
    const rows: {
      by_source: boolean;
      lead_source: LeadSource | null;
      user_id: string | null;
      name: string | null;
      n: number;
    }[] = await db.query(
      `WITH counted AS (
              SELECT lead_source, assigned_user_id, leads AS n FROM crm.lead_day_counts
               WHERE tenant_id = $1 AND day >= $4::date ${own}
              UNION ALL
              SELECT lead_source, assigned_user_id, 1 FROM crm.leads
               WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 ${own}
            ),
            grouped AS (
              SELECT GROUPING(lead_source) = 0 AS by_source, lead_source, assigned_user_id, sum(n)::int AS n
                FROM counted
               GROUP BY GROUPING SETS ((lead_source), (assigned_user_id))
              HAVING sum(n) > 0
            )
       SELECT g.by_source, g.lead_source, g.assigned_user_id AS user_id, u.name, g.n
         FROM grouped g
         LEFT JOIN crm.users u ON NOT g.by_source AND u.tenant_id = $1 AND u.id = g.assigned_user_id
        ORDER BY g.n DESC, g.lead_source, u.name NULLS LAST, g.assigned_user_id`,
      params,
    );
    const bySource = rows
      .filter((row) => row.by_source)
      .map((row) => ({ source: row.lead_source as LeadSource, count: row.n }));
    return {
      total: bySource.reduce((sum, row) => sum + row.count, 0),
      bySource,
      bySeller: rows
        .filter((row) => !row.by_source)
        .map((row) => ({ userId: row.user_id, name: row.name, count: row.n })),
    };
  }

  /** Opt the lead with this phone out; its id, or null when there is none or it already was opted out. */
  async optOut(db: EntityManager, tenantId: string, phone: string): Promise<string | null> {
    const rows = await updateReturning<{ id: string }>(
      db,
      `UPDATE crm.leads SET opted_out = true, updated_at = now()
        WHERE tenant_id = $1 AND phone = $2 AND NOT opted_out RETURNING id`,
      [tenantId, phone],
    );
    return rows[0]?.id ?? null;
  }
}

/**
 * The one user whose leads the list is limited to (the viewer's own, or the assignee filter), if any; `undefined`
 * also when the two name different users (then no lead matches, as `filterSql` finds).
 */
function assigneeOf(filter: LeadFilter): string | undefined {
  const { visibleTo, assignedUserId } = filter;
  if (visibleTo && assignedUserId && visibleTo !== assignedUserId) return undefined;
  return visibleTo ?? assignedUserId;
}

export function leadCreatedEvent(row: LeadRow): LeadCreatedEvent {
  const event: LeadCreatedEvent = {
    tenantId: row.tenant_id,
    leadId: row.id,
    name: row.name,
    status: row.status,
    leadSource: row.lead_source,
    createdAt: row.created_at.toISOString(),
  };
  if (row.phone) event.phone = row.phone;
  if (row.meta_ad_id) event.metaAdId = row.meta_ad_id;
  if (row.assigned_user_id) event.assignedUserId = row.assigned_user_id;
  return event;
}

export function toLeadView(row: LeadRow): LeadView {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    status: row.status,
    leadSource: row.lead_source,
    metaAdId: row.meta_ad_id,
    metaAdsetId: row.meta_adset_id,
    metaCampaignId: row.meta_campaign_id,
    ctwaClid: row.ctwa_clid,
    metaLeadgenId: row.meta_leadgen_id,
    optedOut: row.opted_out,
    assignedUserId: row.assigned_user_id,
    assignedUserName: row.assigned_user_name ?? null,
    assignedUserPhone: row.assigned_user_phone ?? null,
    notes: row.notes,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
