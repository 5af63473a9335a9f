import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Rpc,
  type AttributionLeadFacts,
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
  type OpportunityState,
  type SaleState,
} from './attribution-facts';
import { ReadModelStore, type Versioned } from './read-model.store';
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

  /** The reporting timezone the tenant's facts are bucketed in (resolved and stored the first time). */
  async timezoneOf(tenantId: string): Promise<string> {
    await this.ensureTimezone(tenantId);
    return (await this.db.withTenant(tenantId, (db) => this.store.timezoneOf(db, tenantId))) ?? 'UTC';
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
  private async resolveTimezone(tenantId: string): Promise<string> {
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
   * Replay the tenant from the CRM (`crm.attribution.facts`, keyset pages) into fresh rows: the snapshot is read
   * first (no transaction open across NATS), then, in one transaction holding the tenant's lock, stored (a stored
   * state newer than the snapshot's — an event applied meanwhile — is kept), the rows the CRM no longer has are
   * dropped and every fact is recomputed. Events arriving meanwhile wait for the lock, then apply on top.
   */
  async rebuild(tenantId: string, onPage?: (leads: number) => void): Promise<RebuildResult> {
    const started = Date.now();
    const startedAt = new Date(started - REBUILD_SKEW_MS);
    const snapshot: AttributionLeadFacts[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.rpc.call(
        Rpc.crm.attributionFacts,
        { tenantId, afterLeadId: after, limit: this.settings.rebuildPageSize },
        this.settings.rpcTimeoutMs,
      );
      snapshot.push(...page.leads);
      onPage?.(snapshot.length);
      if (!page.nextAfterLeadId) break;
      after = page.nextAfterLeadId;
    }
    const timezone = await this.resolveTimezone(tenantId);
    const leads = snapshot.map((l) => ({
      leadId: l.leadId,
      isMeta: true,
      adId: l.metaAdId,
      adsetId: l.metaAdsetId,
      campaignId: l.metaCampaignId,
      createdAt: new Date(l.createdAt),
      version: new Date(l.updatedAt),
    }));
    const opportunities = snapshot.flatMap((l) =>
      l.opportunities.map((o) => ({
        opportunityId: o.opportunityId,
        leadId: l.leadId,
        status: o.status,
        createdAt: new Date(o.createdAt),
        closedAt: o.closedAt ? new Date(o.closedAt) : null,
        version: new Date(o.updatedAt),
      })),
    );
    const sales = snapshot.flatMap((l) =>
      l.sales.map((s) => ({
        saleId: s.saleId,
        leadId: l.leadId,
        opportunityId: s.opportunityId,
        amount: s.amount,
        currency: s.currency,
        status: s.status,
        completedAt: s.completedAt ? new Date(s.completedAt) : null,
        refundedAt: s.refundedAt ? new Date(s.refundedAt) : null,
        version: new Date(s.updatedAt),
      })),
    );
    let facts = 0;
    await this.db.withTenant(tenantId, async (db) => {
      await this.store.lockTenant(db, tenantId, 'exclusive');
      await this.store.setTimezone(db, tenantId, timezone, true);
      await this.store.upsertLeads(db, tenantId, leads);
      await this.store.upsertOpportunities(db, tenantId, opportunities);
      await this.store.upsertSales(db, tenantId, sales);
      await this.store.rememberIds(db, [
        ...leads.map((l) => l.leadId),
        ...opportunities.map((o) => o.opportunityId),
        ...sales.map((s) => s.saleId),
      ]);
      await this.store.dropMissing(db, tenantId, startedAt);
      const rows = await this.recompute(db, tenantId, timezone);
      facts = rows.length;
      await this.store.replaceFacts(db, tenantId, rows);
    });
    this.zoned.add(tenantId);
    const result = {
      leads: leads.length,
      opportunities: opportunities.length,
      sales: sales.length,
      facts,
      ms: Date.now() - started,
    };
    this.logger.log(`tenant ${tenantId}: read model rebuilt ${JSON.stringify(result)}`);
    return result;
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
