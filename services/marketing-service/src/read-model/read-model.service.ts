import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Rpc,
  type AttributionFactsPage,
  type AttributionLeadFacts,
  type LeadAttributedEvent,
  type LeadCreatedEvent,
  type OpportunityCreatedEvent,
  type OpportunityLostEvent,
  type OpportunityUpdatedEvent,
  type OpportunityWonEvent,
  type SaleCompletedEvent,
  type SaleRefundedEvent,
  type SaleUpdatedEvent,
} from '@crm/contracts';
import { RpcClient, TenantDatabase } from '@crm/nest-common';
import type { EntityManager } from 'typeorm';
import { isValidTimezone } from '../reporting/report-range';
import {
  dayBucketer,
  diffFacts,
  factsOfLead,
  sortFacts,
  type FactMap,
  type LeadFacts,
  type LeadState,
  type OpportunityState,
  type SaleState,
} from './attribution-facts';
import { ReadModelStore, type LeadIdRange, type Versioned } from './read-model.store';
import { READ_MODEL_SETTINGS, type ReadModelSettings } from './read-model.settings';

type OpportunityEvent =
  OpportunityCreatedEvent | OpportunityUpdatedEvent | OpportunityWonEvent | OpportunityLostEvent;
type SaleEvent = SaleCompletedEvent | SaleRefundedEvent | SaleUpdatedEvent;

/** Rows kept by a rebuild although the CRM snapshot lacks them: changed this recently (clock skew margin). */
const REBUILD_SKEW_MS = 5 * 60 * 1000;

export type RebuildResult = {
  leads: number;
  opportunities: number;
  sales: number;
  facts: number;
  ms: number;
};

export type RebuildOptions = {
  /** Leads per `crm.attribution.facts` page (default: the `REBUILD_PAGE_SIZE` setting). */
  pageSize?: number;
  /** After each page is stored, with the leads read so far (awaited: throwing aborts the rebuild). */
  onPage?: (leads: number) => unknown;
};

type LeadStateRows = {
  leads: Versioned<LeadState & { adsetId: string | null; campaignId: string | null }>[];
  opportunities: Versioned<OpportunityState>[];
  sales: Versioned<SaleState & { opportunityId: string | null }>[];
};

/** CRM attribution facts (a rebuild page, a `lead.attributed`) as the versioned rows of the read model's state. */
function stateOf(facts: readonly AttributionLeadFacts[]): LeadStateRows {
  const at = (instant: string | null | undefined) => (instant ? new Date(instant) : null);
  return {
    leads: facts.map((l) => ({
      leadId: l.leadId,
      isMeta: true,
      adId: l.metaAdId ?? null,
      adsetId: l.metaAdsetId ?? null,
      campaignId: l.metaCampaignId ?? null,
      createdAt: new Date(l.createdAt),
      version: new Date(l.updatedAt),
    })),
    opportunities: facts.flatMap((l) =>
      l.opportunities.map((o) => ({
        opportunityId: o.opportunityId,
        leadId: l.leadId,
        status: o.status,
        createdAt: new Date(o.createdAt),
        closedAt: at(o.closedAt),
        version: new Date(o.updatedAt),
      })),
    ),
    sales: facts.flatMap((l) =>
      l.sales.map((s) => ({
        saleId: s.saleId,
        leadId: l.leadId,
        opportunityId: s.opportunityId ?? null,
        amount: s.amount,
        currency: s.currency,
        status: s.status,
        completedAt: at(s.completedAt),
        refundedAt: at(s.refundedAt),
        version: new Date(s.updatedAt),
      })),
    ),
  };
}

/**
 * The Marketing Hub read model: CRM events → each lead's state → the daily facts of both views.
 * - Each event stores its entity's state with a version (the CRM row's `updated_at`); an older state than the stored
 *   one changes nothing, so redeliveries and any arrival order give the same result.
 * - The facts of a lead are recomputed from its whole state before and after (`factsOfLead`), and the difference is
 *   added (`attribution_daily` upserts): a sale seen before its lead counts once the lead arrives; a refund or a
 *   corrected currency moves the amount.
 * - Per event one transaction holding the lead's advisory lock (two replicas never interleave on a lead) and the
 *   tenant's lock shared (a rebuild or re-bucketing takes it exclusively).
 * Days are calendar days in the tenant's reporting timezone (the ad account's; the tenant's when not connected),
 * stored in `read_model_tenants`; when it changes, the facts are re-bucketed from the stored state.
 */
@Injectable()
export class ReadModelService {
  private readonly logger = new Logger(ReadModelService.name);
  /** Tenants known to have a timezone row (it is never deleted). */
  private readonly zoned = new Set<string>();

  constructor(
    private readonly db: TenantDatabase,
    private readonly store: ReadModelStore,
    private readonly rpc: RpcClient,
    @Inject(READ_MODEL_SETTINGS) private readonly settings: ReadModelSettings,
  ) {}

  // ---- events ----

  async onLeadCreated(event: LeadCreatedEvent): Promise<void> {
    const createdAt = new Date(event.createdAt);
    await this.apply(event.tenantId, event.leadId, (db) =>
      this.store.upsertLeads(db, event.tenantId, [
        {
          leadId: event.leadId,
          isMeta: event.leadSource === 'META_ADS',
          adId: event.metaAdId ?? null,
          adsetId: null,
          campaignId: null,
          createdAt,
          version: createdAt,
        },
      ]),
    );
  }

  /**
   * An existing lead got its ad (or, from an organic Lead Ads form, became a Meta lead). The event carries the lead
   * (versioned by the CRM row's `updated_at` after the attribution, so a late or redelivered `lead.created` changes
   * nothing) with its opportunities and sales as the CRM had them (each with its version: an older copy than the
   * stored one is ignored, a newer one fills what this model never kept, e.g. a non-Meta lead's rows a rebuild
   * dropped). The rule for the days: everything the lead did moves to its ad on the days it happened, as if the lead
   * had come with the ad — cohort on the lead's creation day; period with the lead on its creation day, each
   * opportunity on its creation day, a win or loss on its closing day, a sale on its completion day, a refund on its
   * refund day (`factsOfLead`). Not on the day of the attribution: the CRM keeps no attribution time, and a rebuild
   * (which replays the CRM's rows) must give exactly what the events gave. So a period that is already over can
   * still change when one of its leads is attributed later.
   */
  async onLeadAttributed(event: LeadAttributedEvent): Promise<void> {
    const state = stateOf([event]);
    await this.apply(event.tenantId, event.leadId, async (db) => {
      const leads = await this.store.upsertLeads(db, event.tenantId, state.leads);
      const opportunities = await this.store.upsertOpportunities(db, event.tenantId, state.opportunities);
      const sales = await this.store.upsertSales(db, event.tenantId, state.sales);
      return leads + opportunities + sales;
    });
  }

  async onOpportunity(event: OpportunityEvent): Promise<void> {
    const closedAt = 'closedAt' in event && event.closedAt ? new Date(event.closedAt) : null;
    const createdAt = event.createdAt ? new Date(event.createdAt) : null;
    const version = event.updatedAt ?? ('closedAt' in event ? event.closedAt : null) ?? event.createdAt;
    if (!version) throw new Error(`opportunity ${event.opportunityId}: an event without any timestamp`);
    const state: Versioned<OpportunityState> = {
      opportunityId: event.opportunityId,
      leadId: event.leadId,
      status: event.status,
      createdAt,
      closedAt: event.status === 'pending' ? null : closedAt,
      version: new Date(version),
    };
    await this.apply(event.tenantId, event.leadId, (db) =>
      this.store.upsertOpportunities(db, event.tenantId, [state]),
    );
  }

  async onSale(event: SaleEvent, status: SaleState['status']): Promise<void> {
    const refundedAt = 'refundedAt' in event ? new Date(event.refundedAt) : null;
    const fallback = status === 'refunded' ? (refundedAt ?? event.completedAt) : event.completedAt;
    const state: Versioned<SaleState & { opportunityId: string | null }> = {
      saleId: event.saleId,
      leadId: event.leadId,
      opportunityId: event.opportunityId ?? null,
      amount: event.amount,
      currency: event.currency,
      status,
      completedAt: new Date(event.completedAt),
      refundedAt,
      version: new Date(event.updatedAt ?? fallback),
    };
    await this.apply(event.tenantId, event.leadId, (db) =>
      this.store.upsertSales(db, event.tenantId, [state]),
    );
  }

  /** Apply one change to a lead's state and add the difference it makes to the facts. */
  private async apply(
    tenantId: string,
    leadId: string,
    write: (db: EntityManager) => Promise<number>,
  ): Promise<void> {
    await this.ensureTimezone(tenantId);
    await this.db.withTenant(tenantId, async (db) => {
      await this.store.lockTimeout(db, this.settings.lockTimeoutMs);
      await this.store.lockTenant(db, tenantId, 'shared');
      await this.store.lockLead(db, tenantId, leadId);
      const timezone = (await this.store.timezoneOf(db, tenantId)) ?? 'UTC';
      const dayOf = dayBucketer(timezone);
      const before = factsOfLead(await this.store.loadLead(db, tenantId, leadId), dayOf);
      if ((await write(db)) === 0) return; // an older state than the stored one
      const after = factsOfLead(await this.store.loadLead(db, tenantId, leadId), dayOf);
      await this.store.addFacts(db, tenantId, diffFacts(before, after));
    });
  }

  // ---- timezone ----

  /**
   * `read`, then the reporting timezone the tenant's facts are bucketed in (resolved and stored the first time), in
   * one transaction of the tenant: a report's read-model version and its timezone cost one trip.
   */
  async timezoneAfter<T>(tenantId: string, read: (db: EntityManager) => Promise<T>): Promise<[T, string]> {
    await this.ensureTimezone(tenantId);
    return this.db.withTenant(tenantId, async (db) => {
      const first = await read(db);
      return [first, (await this.store.timezoneOf(db, tenantId)) ?? 'UTC'];
    });
  }

  private async ensureTimezone(tenantId: string): Promise<void> {
    if (this.zoned.has(tenantId)) return;
    const stored = await this.db.withTenant(tenantId, (db) => this.store.timezoneOf(db, tenantId));
    if (!stored) {
      const timezone = await this.resolveTimezone(tenantId);
      await this.db.withTenant(tenantId, (db) => this.store.initTenant(db, tenantId, timezone));
    }
    this.zoned.add(tenantId);
  }

  /** The ad account's timezone when one is connected, else the tenant's (UTC when neither is a valid zone). */
  async resolveTimezone(tenantId: string): Promise<string> {
    const timeout = this.settings.rpcTimeoutMs;
    const status = await this.rpc.call(Rpc.meta.connectionStatus, { tenantId }, timeout);
    if (isValidTimezone(status.adAccount?.timezone)) return status.adAccount.timezone;
    const tenant = await this.rpc.call(Rpc.crm.getTenant, { tenantId }, timeout);
    return isValidTimezone(tenant.timezone) ? tenant.timezone : 'UTC';
  }

  /**
   * Bucket the tenant's facts in `timezone` from now on (the ad account changed, or its timezone did): every fact
   * is recomputed from the stored state, in one transaction that holds the tenant's lock.
   */
  async rebucket(tenantId: string, timezone: string): Promise<void> {
    const started = Date.now();
    await this.db.withTenant(tenantId, async (db) => {
      await this.store.lockTenant(db, tenantId, 'exclusive');
      if ((await this.store.timezoneOf(db, tenantId)) === timezone) return;
      await this.store.setTimezone(db, tenantId, timezone, false);
      await this.store.replaceFacts(db, tenantId, await this.recompute(db, tenantId, timezone));
    });
    this.zoned.add(tenantId);
    this.logger.log(`tenant ${tenantId}: facts re-bucketed in ${timezone} (${Date.now() - started} ms)`);
  }

  // ---- rebuild ----

  /**
   * Replay the tenant from the CRM (`crm.attribution.facts`, keyset pages by lead id) in bounded memory: one page at
   * a time is read (no transaction open across NATS), then stored in its own short transaction holding the tenant's
   * lock exclusively (`storePage`); at the end, under the same lock, every fact is recomputed from the stored state
   * (streamed, `recompute`) and the tenant is marked rebuilt. Only a page and the facts (days × ads × currencies, not
   * leads) are ever in memory.
   * Live events keep applying between pages and neither lose nor double-count anything: every state row keeps the
   * newest version of the snapshot's and the events' (an older write changes nothing), a page adds the difference it
   * makes to the facts as an event does, and the final recompute derives the facts from that state alone (undoing any
   * drift the rebuild was run for). Events wait for the lock while a page or the recompute holds it, then apply on
   * top.
   */
  async rebuild(tenantId: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const started = Date.now();
    const startedAt = new Date(started - REBUILD_SKEW_MS);
    const pageSize = options.pageSize ?? this.settings.rebuildPageSize;
    const timezone = await this.resolveTimezone(tenantId);
    // Pages add facts in the stored timezone (this one for a tenant without one); the recompute moves them to it.
    await this.db.withTenant(tenantId, (db) => this.store.initTenant(db, tenantId, timezone));
    const counts = { leads: 0, opportunities: 0, sales: 0 };
    let after: string | null = null;
    for (;;) {
      const page: AttributionFactsPage = await this.rpc.call(
        Rpc.crm.attributionFacts,
        { tenantId, afterLeadId: after ?? undefined, limit: pageSize },
        this.settings.rpcTimeoutMs,
      );
      // The ids this page answers for: after the previous page's last, up to its own last (no bound on the last page).
      const range: LeadIdRange = { after, upTo: page.nextAfterLeadId };
      const state = stateOf(page.leads);
      await this.storePage(tenantId, range, state, startedAt);
      counts.leads += state.leads.length;
      counts.opportunities += state.opportunities.length;
      counts.sales += state.sales.length;
      await options.onPage?.(counts.leads);
      if (!page.nextAfterLeadId) break;
      after = page.nextAfterLeadId;
    }
    let facts = 0;
    await this.db.withTenant(tenantId, async (db) => {
      await this.store.lockTenant(db, tenantId, 'exclusive');
      await this.store.setTimezone(db, tenantId, timezone, true);
      const rows = await this.recompute(db, tenantId, timezone);
      facts = rows.length;
      await this.store.replaceFacts(db, tenantId, rows);
    });
    this.zoned.add(tenantId);
    const result = { ...counts, facts, ms: Date.now() - started };
    this.logger.log(`tenant ${tenantId}: read model rebuilt ${JSON.stringify(result)}`);
    return result;
  }

  /**
   * One page of the CRM's snapshot: its rows stored (a stored state newer than the snapshot's — an event applied
   * meanwhile — is kept), the rows of the page's lead-id range the CRM no longer has dropped (unless they changed
   * since `startedAt`), and the difference this makes to the facts added, all in one transaction holding the
   * tenant's lock.
   */
  private async storePage(
    tenantId: string,
    range: LeadIdRange,
    state: LeadStateRows,
    startedAt: Date,
  ): Promise<void> {
    await this.db.withTenant(tenantId, async (db) => {
      await this.store.lockTenant(db, tenantId, 'exclusive');
      const dayOf = dayBucketer((await this.store.timezoneOf(db, tenantId)) ?? 'UTC');
      const factsOf = (leads: LeadFacts[]) => {
        const into: FactMap = new Map();
        for (const lead of leads) factsOfLead(lead, dayOf, into);
        return into;
      };
      const before = factsOf(await this.store.leadsBetween(db, tenantId, range));
      await this.store.upsertLeads(db, tenantId, state.leads);
      await this.store.upsertOpportunities(db, tenantId, state.opportunities);
      await this.store.upsertSales(db, tenantId, state.sales);
      await this.store.dropMissing(db, tenantId, range, startedAt, {
        leads: state.leads.map((l) => l.leadId),
        opportunities: state.opportunities.map((o) => o.opportunityId),
        sales: state.sales.map((s) => s.saleId),
      });
      const after = factsOf(await this.store.leadsBetween(db, tenantId, range));
      await this.store.addFacts(db, tenantId, diffFacts(before, after));
    });
  }

  /** Every fact of the tenant, from the stored state. */
  private async recompute(db: EntityManager, tenantId: string, timezone: string) {
    const dayOf = dayBucketer(timezone);
    const facts: FactMap = new Map();
    for await (const page of this.store.allLeads(db, tenantId)) {
      for (const lead of page) factsOfLead(lead, dayOf, facts);
    }
    return sortFacts([...facts.values()]);
  }
}
