import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import type { Repository } from 'typeorm';
import { ConnectionEntity, type StoredMetaError } from './connection.entity';
import { TokenVault } from './token-vault';

export type ActiveConnection = { connection: ConnectionEntity; token: string };

/** Reads the tenant's connection and its decrypted token; records what Meta said about it. */
@Injectable()
export class ConnectionStore {
  private readonly logger = new Logger('ConnectionStore');

  constructor(
    private readonly db: TenantDatabase,
    private readonly vault: TokenVault,
  ) {}

  /** `fn` with the connections repository in a transaction scoped to the tenant. */
  withConnections<T>(
    tenantId: string,
    fn: (connections: Repository<ConnectionEntity>) => Promise<T>,
  ): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(ConnectionEntity)));
  }

  find(tenantId: string): Promise<ConnectionEntity | null> {
    return this.withConnections(tenantId, (connections) => connections.findOneBy({ tenantId }));
  }

  /**
   * The tenant's usable token. No connection → META_NOT_CONNECTED; expired (by date or after a 190) →
   * META_TOKEN_EXPIRED, and the row is marked `expired`.
   */
  async requireActive(tenantId: string): Promise<ActiveConnection> {
    const connection = await this.find(tenantId);
    if (!connection || connection.state === 'disconnected' || !connection.accessTokenEncrypted) {
      throw new DomainError('META_NOT_CONNECTED', 'Meta is not connected for this account');
    }
    if (connection.state === 'revoked') {
      throw new DomainError('META_TOKEN_EXPIRED', 'the Meta connection was revoked; reconnect Meta');
    }
    const expiredByDate =
      connection.tokenExpiresAt !== null && connection.tokenExpiresAt.getTime() <= Date.now();
    if (connection.state === 'expired' || expiredByDate) {
      if (connection.state !== 'expired') await this.markExpired(tenantId, 'token expiry date passed');
      throw new DomainError('META_TOKEN_EXPIRED', 'the Meta connection has expired; reconnect Meta');
    }
    let token: string;
    try {
      token = this.vault.open(tenantId, connection.accessTokenEncrypted);
    } catch {
      this.logger.error(
        `tenant ${tenantId}: stored Meta token cannot be decrypted (wrong TOKEN_ENCRYPTION_KEY?)`,
      );
      throw new DomainError('META_TOKEN_EXPIRED', 'the stored Meta connection is unreadable; reconnect Meta');
    }
    return { connection, token };
  }

  /** Meta answered 190 (or the expiry date passed): the connection needs the user to reconnect. */
  async markExpired(tenantId: string, reason: string): Promise<void> {
    const lastError: StoredMetaError = {
      code: 'META_TOKEN_EXPIRED',
      message: reason,
      at: new Date().toISOString(),
    };
    await this.withConnections(tenantId, (connections) =>
      connections.update(
        { tenantId, state: 'connected' },
        { state: 'expired', lastError, updatedAt: new Date() },
      ),
    );
  }

  /** Keep the last Meta failure on the connection (shown in the UI). */
  async recordError(tenantId: string, error: DomainError): Promise<void> {
    const metaCode = typeof error.details?.metaCode === 'number' ? error.details.metaCode : undefined;
    const lastError: StoredMetaError = {
      code: error.code,
      message: error.message,
      at: new Date().toISOString(),
      ...(metaCode !== undefined ? { metaCode } : {}),
    };
    await this.withConnections(tenantId, (connections) => connections.update({ tenantId }, { lastError }));
  }
}
