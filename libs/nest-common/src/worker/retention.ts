import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Counter } from 'prom-client';
import { TenantDatabase } from '../database';
import { streamLimitsFromEnv } from '../jetstream';
import { metricsRegistry } from '../metrics';
import { PeriodicClaim } from './periodic-claim';

/**
 * One table's retention: rows meeting `expired` (SQL on the table's columns; `$1` is the cutoff, now minus `days`)
 * are deleted. Only rows nothing needs any more: e.g. an outbox row once published, a dead letter once resolved.
 */
export type RetentionRule = { table: string; expired: string; days: number };

export type RetentionOptions = {
  /** The service schema; its `<schema>.retention_schedule` (`periodicScheduleMigrationSql`) holds the daily claim. */
  schema: string;
  rules: readonly RetentionRule[];
  /** Default one day. */
  intervalMs?: number;
  /** Rows per DELETE statement (each its own short transaction, so no long locks). Default 5,000. */
  batchSize?: number;
};

const DAY_MS = 24 * 3600 * 1000;
const QUALIFIED_TABLE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

const purgedRows = new Counter({
  name: 'crm_retention_deleted_rows_total',
  help: 'Rows deleted by the daily retention job, by table',
  labelNames: ['table'] as const,
  registers: [metricsRegistry],
});

/**
 * Daily, once across replicas (a `PeriodicClaim` on `<schema>.retention_schedule`), delete what each rule says has
 * expired, in batches of `batchSize` rows by `ctid` so each statement is short.
 */
export class RetentionJob {
  private readonly logger = new Logger('Retention');
  private readonly periodic: PeriodicClaim;
  private readonly batchSize: number;

  constructor(
    private readonly db: TenantDatabase,
    private readonly options: RetentionOptions,
  ) {
    for (const rule of options.rules) {
      if (!QUALIFIED_TABLE.test(rule.table)) throw new Error(`not a schema-qualified table: ${rule.table}`);
      if (!Number.isInteger(rule.days) || rule.days < 1) throw new Error(`${rule.table}: days must be >= 1`);
    }
    this.batchSize = options.batchSize ?? 5000;
    this.periodic = new PeriodicClaim(db, this.logger, {
      what: `${options.schema} retention`,
      table: `${options.schema}.retention_schedule`,
      intervalMs: options.intervalMs ?? DAY_MS,
      ownerPrefix: options.schema,
    });
  }

  start(): void {
    this.periodic.start(() => this.tick());
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Claim this period's run; when won, purge. Null when another replica has the period. */
  async tick(): Promise<Record<string, number> | null> {
    if (!(await this.periodic.claim())) return null;
    const deleted = await this.purge();
    this.logger.log(
      `retention: ${Object.entries(deleted)
        .map(([table, n]) => `${table} ${n}`)
        .join(', ')}`,
    );
    return deleted;
  }

  /** Delete every rule's expired rows now (no claim); rows deleted per table. */
  async purge(now: Date = new Date()): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const rule of this.options.rules) {
      const cutoff = new Date(now.getTime() - rule.days * DAY_MS);
      let total = 0;
      for (;;) {
        const n = await this.deleteBatch(rule, cutoff);
        total += n;
        if (n < this.batchSize) break;
      }
      deleted[rule.table] = total;
      if (total > 0) purgedRows.inc({ table: rule.table }, total);
    }
    return deleted;
  }

  private async deleteBatch(rule: RetentionRule, cutoff: Date): Promise<number> {
    const result: unknown = await this.db.asSystem(`retention ${rule.table}`, (db) =>
      db.query(
        `DELETE FROM ${rule.table} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${rule.table} WHERE ${rule.expired} LIMIT ${this.batchSize}))`,
        [cutoff],
      ),
    );
    // TypeORM's raw DELETE answers [rows, affected count].
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }
}

const RETENTION_OPTIONS = Symbol('RETENTION_OPTIONS');

@Injectable()
class RetentionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  readonly job: RetentionJob;

  constructor(db: TenantDatabase, @Inject(RETENTION_OPTIONS) options: RetentionOptions) {
    this.job = new RetentionJob(db, options);
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.job.stop();
  }
}

/** The service's daily retention job (needs `TenantDatabaseModule`). `RetentionModule.jobOf(app)` in tests. */
@Module({})
export class RetentionModule {
  static forRoot(options: RetentionOptions): DynamicModule {
    return {
      module: RetentionModule,
      providers: [{ provide: RETENTION_OPTIONS, useValue: options }, RetentionRunner],
      exports: [RetentionRunner],
    };
  }

  static jobOf(app: { get<T>(type: new (...args: never[]) => T): T }): RetentionJob {
    return app.get(RetentionRunner).job;
  }
}

/** The outbox and dead-letter rules every service with those tables shares. */
export function durableTablesRetention(
  schema: string,
  days: { outbox?: number; deadLetters: number },
): RetentionRule[] {
  return [
    ...(days.outbox !== undefined
      ? [{ table: `${schema}.outbox`, expired: 'published_at < $1', days: days.outbox }]
      : []),
    {
      table: `${schema}.dead_letters`,
      expired: `status <> 'parked' AND resolved_at < $1`,
      days: days.deadLetters,
    },
  ];
}

/**
 * Days a key that guards against a re-read stream message (a processed-event key, a status tombstone) is kept: it
 * must outlive the longest stream `max_age`, since a consumer re-created from the start re-reads the whole stream.
 * Throws (the service refuses to start) when `days` does not.
 */
export function daysOutlivingStreams(
  setting: string,
  days: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const longestStreamHours = Math.max(...Object.values(streamLimitsFromEnv(env)).map((l) => l.maxAgeHours));
  if (days * 24 <= longestStreamHours)
    throw new Error(
      `${setting} (${days}) must be longer than the longest JetStream max age ` +
        `(${longestStreamHours} h), or redelivered events would be applied twice`,
    );
  return days;
}
