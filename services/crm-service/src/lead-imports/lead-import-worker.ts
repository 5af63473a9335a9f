import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DurableWorker, LeasedTable, TenantDatabase, type LeasedRow } from '@crm/nest-common';
import { DataSource } from 'typeorm';
import { LeadImportBatch } from './lead-import-batch';
import { LeadImportStore } from './lead-import-store';

type ImportJobRow = LeasedRow & { id: string; tenant_id: string };

/** How long a replica keeps a running import without committing a batch before another may take it over. */
export const IMPORT_LEASE_MS = 30_000;

/**
 * Runs `running` imports: a DurableWorker over `crm.lead_imports`. A claimed job is worked batch after batch (each
 * its own transaction, each extending the lease and checking it still holds it); a crash leaves the committed
 * batches and the job's count of processed rows, so whichever replica claims it next resumes after the last
 * committed row — no row is imported twice. A job that keeps failing is parked (shown as `failed`).
 */
@Injectable()
export class LeadImportWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly worker: DurableWorker<ImportJobRow>;
  private stopping = false;

  constructor(
    dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly imports: LeadImportStore,
    private readonly batch: LeadImportBatch,
  ) {
    this.worker = new DurableWorker<ImportJobRow>({
      name: 'crm-service.lead-imports',
      queue: new LeasedTable<ImportJobRow>({
        dataSource,
        table: 'crm.lead_imports',
        keys: ['id'],
        pending: `t.status = 'running'`,
        complete: { set: `status = 'done', finished_at = now()` },
      }),
      handler: (job) => this.work(job),
      pollMs: 2_000,
      leaseMs: IMPORT_LEASE_MS,
      batchSize: 2,
      concurrency: 2,
      maxAttempts: 8,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
    });
  }

  /** Look for running imports now (right after one was started). */
  kick(): void {
    this.worker.kick();
  }

  /** One round now; resolves with the number of jobs handled (tests). */
  runOnce(): Promise<number> {
    return this.worker.runOnce();
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.worker.stop();
  }

  private async work(job: ImportJobRow) {
    while (!this.stopping) {
      const handled = await this.batch.runNext(job.tenant_id, job.id, this.worker.owner, IMPORT_LEASE_MS);
      if (handled === 0) {
        await this.db.withTenant(job.tenant_id, (db) => this.imports.dropStaged(db, job.tenant_id, job.id));
        return 'done' as const;
      }
    }
    // Shutting down: release the job at once for another replica (its committed batches stay).
    return { retryInMs: 0, error: { code: 'SHUTDOWN', message: 'replica stopping; resumes elsewhere' } };
  }
}
