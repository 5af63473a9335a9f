import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import { DurableWorker, LeasedTable, TenantDatabase, type LeasedRow } from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { ReadModelService } from './read-model.service';
import { READ_MODEL_SETTINGS, type ReadModelSettings } from './read-model.settings';
import { ReadModelStore } from './read-model.store';

/** How long a build's lease lasts without news; renewed after every page, so only a dead replica's expires. */
export const BUILD_LEASE_MS = 120_000;
/** What a waiting report tells the browser: try again in this many seconds. */
const RETRY_AFTER_SECONDS = 5;

type BuildRow = LeasedRow & { tenant_id: string };

/** A build running in this replica: its progress, and when it is over (never rejects: the error, or null). */
type Build = {
  leadsRead: number;
  /** Resolves once `inlineBuildMaxLeads` leads were stored (a report stops waiting then). */
  pastInlineLimit: Promise<void>;
  done: Promise<Error | null>;
};

/**
 * The read model's first build of a tenant (data from before the read model, a tenant restored from a backup, a
 * seed written without events), off the report path and once across replicas:
 * - A `read_model_tenants` row whose `rebuilt_at` is null is work for a `DurableWorker`: at start-up and every
 *   `buildPollMs` each replica claims one such tenant (`FOR UPDATE SKIP LOCKED` + a lease), rebuilds it
 *   (`ReadModelService.rebuild`, which events may interleave with: versions and the final recompute keep every
 *   count exact) and renews the lease after each page with its progress; a failed build is retried with backoff. A
 *   tenant gets its row from its first event or its first report.
 * - The first report of a never-built tenant (`ensureBuilt`) claims the same lease and builds inline while the
 *   tenant is small (up to `inlineBuildMaxLeads` leads); past that, or while another replica builds it, the report
 *   answers `REPORT_PREPARING` (503, `retryAfterSeconds`, `leadsRead`) and the build goes on regardless.
 */
@Injectable()
export class ReadModelBuilder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReadModelBuilder.name);
  private readonly worker: DurableWorker<BuildRow>;
  /** Tenants known to be built (`rebuilt_at` is never cleared), and the builds running in this replica. */
  private readonly built = new Set<string>();
  private readonly building = new Map<string, Build>();
  private stopping = false;

  constructor(
    dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly store: ReadModelStore,
    private readonly readModel: ReadModelService,
    @Inject(READ_MODEL_SETTINGS) private readonly settings: ReadModelSettings,
  ) {
    this.worker = new DurableWorker<BuildRow>({
      name: 'marketing-service.read-model-build',
      queue: new LeasedTable<BuildRow>({
        dataSource,
        table: 'marketing.read_model_tenants',
        keys: ['tenant_id'],
        pending: 't.rebuilt_at IS NULL',
        complete: { set: 'attempts = 0' },
      }),
      handler: async (row) => {
        const error = await this.start(row.tenant_id).done;
        if (error) throw error;
        return 'done';
      },
      pollMs: settings.buildPollMs,
      leaseMs: BUILD_LEASE_MS,
      batchSize: 1,
      backoff: { baseMs: 5_000, maxMs: 3_600_000 },
    });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  /** Stop claiming; a build in progress stops after its current page and gives its lease back. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.worker.stop();
    await Promise.all([...this.building.values()].map((build) => build.done));
  }

  /** Build the never-built tenants now (one round of the worker); the number of tenants it took. */
  buildPending(): Promise<number> {
    return this.worker.runOnce();
  }

  /**
   * Before a report: return once the tenant's read model is built. A never-built tenant is built here while small;
   * otherwise `REPORT_PREPARING` (the build continues in the background, in this replica or another).
   */
  async ensureBuilt(tenantId: string): Promise<void> {
    if (this.built.has(tenantId)) return;
    const state = await this.db.withTenant(tenantId, (db) => this.store.tenantState(db, tenantId));
    if (state?.rebuiltAt) {
      this.built.add(tenantId);
      return;
    }
    let build = this.building.get(tenantId);
    if (!build) {
      const timezone = state?.timezone ?? (await this.readModel.resolveTimezone(tenantId));
      const claimed = await this.db.withTenant(tenantId, (db) =>
        this.store.claimBuild(db, tenantId, timezone, this.worker.owner, BUILD_LEASE_MS),
      );
      if (claimed) build = this.run(tenantId, { release: true });
    }
    if (!build) {
      // Another replica is building it (or it was built just now).
      const again = await this.db.withTenant(tenantId, (db) => this.store.tenantState(db, tenantId));
      if (again?.rebuiltAt) {
        this.built.add(tenantId);
        return;
      }
      const progress = await this.db.withTenant(tenantId, (db) => this.store.buildProgress(db, tenantId));
      throw preparing(progress.leadsRead ?? 0);
    }
    const error = await Promise.race([build.done, build.pastInlineLimit.then(() => undefined)]);
    if (error === null) return;
    if (error instanceof DomainError) throw error;
    // Past the inline limit, or the build failed (the worker retries it): the browser tries again later.
    throw preparing(build.leadsRead);
  }

  /** Join this replica's build of the tenant, or run one (the caller holds the lease: the worker claimed it). */
  private start(tenantId: string): Build {
    return this.building.get(tenantId) ?? this.run(tenantId, { release: false });
  }

  /**
   * Rebuild the tenant under the lease `this.worker.owner` holds, renewing it after each page. `release`: give the
   * lease back at the end (a report's claim; the worker completes or retries the rows it claimed itself).
   */
  private run(tenantId: string, { release }: { release: boolean }): Build {
    let reached!: () => void;
    const build: Build = {
      leadsRead: 0,
      pastInlineLimit: new Promise<void>((resolve) => (reached = resolve)),
      done: Promise.resolve(null),
    };
    const owner = this.worker.owner;
    if (this.settings.inlineBuildMaxLeads === 0) reached();
    build.done = this.readModel
      .rebuild(tenantId, {
        onPage: async (leads) => {
          build.leadsRead = leads;
          if (leads >= this.settings.inlineBuildMaxLeads) reached();
          if (this.stopping) throw new Error('shutting down');
          const held = await this.db.withTenant(tenantId, (db) =>
            this.store.renewBuild(db, tenantId, owner, leads, BUILD_LEASE_MS),
          );
          if (!held) throw new Error('the build lease was lost (another replica took it over)');
        },
      })
      .then(
        (result) => {
          this.built.add(tenantId);
          this.logger.log(`tenant ${tenantId}: read model built (${result.leads} leads, ${result.ms} ms)`);
          return null;
        },
        (error: unknown) => {
          this.logger.warn(`tenant ${tenantId}: read model build failed: ${String(error)}`);
          return error instanceof Error ? error : new Error(String(error));
        },
      )
      .then(async (outcome) => {
        this.building.delete(tenantId);
        if (!release) return outcome;
        await this.db
          .withTenant(tenantId, (db) => this.store.releaseBuild(db, tenantId, owner))
          .catch((error: unknown) => this.logger.warn(`could not release a build lease: ${String(error)}`));
        return outcome;
      });
    this.building.set(tenantId, build);
    return build;
  }
}

function preparing(leadsRead: number): DomainError {
  return new DomainError('REPORT_PREPARING', 'the Marketing Hub is preparing this account’s reports', {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    leadsRead,
  });
}
