import { PeriodicClaim } from '../common/periodic-claim';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { MetaAdsConfig } from '../config';
import { GraphClient } from '../graph/graph-client';
import { ConnectionStore } from './connection.store';
import { TokenVault } from './token-vault';

/** `GET /debug_token?input_token=…` (REFERENCE §1.6), the fields read here. */
type DebugToken = {
  data?: {
    is_valid?: boolean;
    scopes?: string[];
    expires_at?: number;
    data_access_expires_at?: number;
    error?: { code?: number; subcode?: number };
  };
};

export type TokenCheckOutcome = 'updated' | 'expired' | 'skipped' | 'failed';

/** Meta's seconds → a date; 0 (never expires) or absent → null. */
const fromUnix = (seconds: number | undefined): Date | null =>
  typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000) : null;

/**
 * Every `TOKEN_CHECK_INTERVAL_MS` (6 h) each connected token is inspected with `debug_token` — once across replicas
 * (the tick that moves `token_check_schedule.next_run_at` forward wins the period) — so the expiry, the data-access
 * expiry and the granted scopes shown to the user are Meta's current ones (a user may remove a permission in
 * Facebook's settings), and a token Meta no longer accepts is marked `expired` before a report or a send finds out.
 * Connect (`meta.oauth.complete`) inspects the new token itself.
 */
@Injectable()
export class TokenCheckScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TokenCheck');
  private readonly periodic: PeriodicClaim;

  constructor(
    private readonly db: TenantDatabase,
    private readonly store: ConnectionStore,
    private readonly vault: TokenVault,
    private readonly graph: GraphClient,
    private readonly config: MetaAdsConfig,
  ) {
    this.periodic = new PeriodicClaim(db, this.logger, {
      what: 'token check',
      table: 'token_check_schedule',
      intervalMs: config.TOKEN_CHECK_INTERVAL_MS,
    });
  }

  onApplicationBootstrap(): void {
    this.periodic.start(() => this.tick());
  }

  onModuleDestroy(): Promise<void> {
    return this.periodic.stop();
  }

  /** Claim this period's run; when won, check every connected token. Null when another replica has the period. */
  async tick(): Promise<Map<string, TokenCheckOutcome> | null> {
    if (!(await this.periodic.claim())) return null;
    const outcomes = new Map<string, TokenCheckOutcome>();
    for (const tenantId of await this.connectedTenants()) {
      outcomes.set(tenantId, await this.check(tenantId));
    }
    const expired = [...outcomes.values()].filter((outcome) => outcome === 'expired').length;
    this.logger.log(`periodic token check: ${outcomes.size} connection(s), ${expired} no longer valid`);
    return outcomes;
  }

  /** Inspect one tenant's token and keep what Meta says; never throws (a failure is logged, the next period retries). */
  async check(tenantId: string): Promise<TokenCheckOutcome> {
    try {
      const connection = await this.store.find(tenantId);
      const sealed = connection?.accessTokenEncrypted;
      if (!connection || connection.state !== 'connected' || !sealed) return 'skipped';
      const token = this.vault.open(tenantId, sealed);
      const debug = await this.graph.get<DebugToken>({
        tenantId,
        family: 'ads',
        token: `${this.config.META_APP_ID}|${this.config.META_APP_SECRET}`,
        path: 'debug_token',
        query: { input_token: token },
        secrets: [token],
      });
      const info = debug.data ?? {};
      if (info.is_valid !== true) {
        const code = [info.error?.code, info.error?.subcode].filter((c) => c !== undefined).join('/');
        await this.store.markExpired(
          tenantId,
          `Meta no longer accepts the token${code ? ` (${code})` : ''}; reconnect Meta`,
          sealed,
        );
        this.logger.warn(`tenant ${tenantId}: debug_token says the token is not valid; marked expired`);
        return 'expired';
      }
      await this.store.recordTokenCheck(tenantId, sealed, {
        tokenExpiresAt: info.expires_at === undefined ? connection.tokenExpiresAt : fromUnix(info.expires_at),
        dataAccessExpiresAt:
          info.data_access_expires_at === undefined
            ? connection.dataAccessExpiresAt
            : fromUnix(info.data_access_expires_at),
        scopes: Array.isArray(info.scopes) ? [...new Set(info.scopes.map(String))] : connection.scopes,
      });
      return 'updated';
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: token check failed (${error instanceof DomainError ? error.code : 'error'}); next period retries`,
      );
      return 'failed';
    }
  }

  private async connectedTenants(): Promise<string[]> {
    const rows: { tenant_id: string }[] = await this.db.asSystem(
      'tenants with a connected Meta token',
      (db) =>
        db.query(
          `SELECT tenant_id FROM meta_ads.connections
          WHERE state = 'connected' AND access_token_encrypted IS NOT NULL
          ORDER BY tenant_id`,
        ),
    );
    return rows.map((row) => row.tenant_id);
  }
}
