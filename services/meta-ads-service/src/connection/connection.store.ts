import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import { TenantDatabase, preparedQuery } from '@crm/nest-common';
import { In, type EntityManager, type Repository } from 'typeorm';
import { accessEndsAt } from './connection-status';
import { ConnectionEntity, type StoredMetaError } from './connection.entity';
import { TokenVault } from './token-vault';

export type ActiveConnection = { connection: ConnectionEntity; token: string };

/** What a WhatsApp send needs of a usable connection: its number and the decrypted token. */
export type WhatsappSender = { phoneNumberId: string; token: string };

/** Connections that still route webhooks (an expired token still owns its number and pages). */
const ROUTABLE_STATES: ConnectionEntity['state'][] = ['connected', 'expired'];

/**
 * `meta_ads.connections`: every read and write of it. Reads the tenant's connection and its decrypted token, records
 * what Meta said about it, and answers the cross-tenant questions (which tenant a webhook belongs to, who else holds
 * a number) in named system transactions.
 */
@Injectable()
export class ConnectionStore {
  private readonly logger = new Logger('ConnectionStore');

  constructor(
    private readonly db: TenantDatabase,
    private readonly vault: TokenVault,
  ) {}

  /** `fn` with the connections repository in a transaction scoped to the tenant. */
  private withConnections<T>(
    tenantId: string,
    fn: (connections: Repository<ConnectionEntity>) => Promise<T>,
  ): Promise<T> {
    return this.db.withTenant(tenantId, (db) => fn(db.getRepository(ConnectionEntity)));
  }

  find(tenantId: string): Promise<ConnectionEntity | null> {
    return this.withConnections(tenantId, (connections) => connections.findOneBy({ tenantId }));
  }

  /**
   * The tenant's usable token. No connection → META_NOT_CONNECTED; expired (by the token's or its data access's
   * date, or after a 190) → META_TOKEN_EXPIRED, and the row is marked `expired`.
   */
  async requireActive(tenantId: string): Promise<ActiveConnection> {
    const connection = await this.find(tenantId);
    if (!connection || connection.state === 'disconnected' || !connection.accessTokenEncrypted) {
      throw new DomainError('META_NOT_CONNECTED', 'Meta is not connected for this account');
    }
    if (connection.state === 'revoked') {
      throw new DomainError('META_TOKEN_EXPIRED', 'the Meta connection was revoked; reconnect Meta');
    }
    const endsAt = accessEndsAt(connection);
    const expiredByDate = endsAt !== null && endsAt.getTime() <= Date.now();
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

  /**
   * The tenant's WhatsApp number and token, read in the caller's tenant transaction (a send reads them with the
   * writing of its row; only the columns it needs), or null whenever `requireActive` would refuse the
   * connection or it has no number: call that for the reason (it also marks a token past its date as expired and
   * logs an unreadable one). No side effects here.
   */
  async senderIn(db: EntityManager, tenantId: string): Promise<WhatsappSender | null> {
    const rows: {
      state: ConnectionEntity['state'];
      access_token_encrypted: string | null;
      token_expires_at: Date | null;
      data_access_expires_at: Date | null;
      phone_number_id: string | null;
    }[] = await preparedQuery(
      db,
      `SELECT state, access_token_encrypted, token_expires_at, data_access_expires_at, phone_number_id
         FROM meta_ads.connections WHERE tenant_id = $1`,
      [tenantId],
    );
    const row = rows[0];
    if (!row || row.state !== 'connected' || !row.access_token_encrypted || !row.phone_number_id) return null;
    const endsAt = accessEndsAt({
      tokenExpiresAt: row.token_expires_at,
      dataAccessExpiresAt: row.data_access_expires_at,
    });
    if (endsAt !== null && endsAt.getTime() <= Date.now()) return null;
    try {
      return {
        phoneNumberId: row.phone_number_id,
        token: this.vault.open(tenantId, row.access_token_encrypted),
      };
    } catch {
      return null;
    }
  }

  /**
   * Meta answered 190 (or the expiry date passed): the connection needs the user to reconnect. With `sealedToken`,
   * only while the row still holds that token (a reconnect meanwhile wins).
   */
  async markExpired(tenantId: string, reason: string, sealedToken?: string): Promise<void> {
    const lastError: StoredMetaError = {
      code: 'META_TOKEN_EXPIRED',
      message: reason,
      at: new Date().toISOString(),
    };
    await this.withConnections(tenantId, (connections) =>
      connections.update(
        {
          tenantId,
          state: 'connected',
          ...(sealedToken === undefined ? {} : { accessTokenEncrypted: sealedToken }),
        },
        { state: 'expired', lastError, updatedAt: new Date() },
      ),
    );
  }

  /**
   * What `debug_token` says now about the stored token (expiry, data-access expiry, granted scopes), kept only while
   * the row still holds that same token and is connected (a reconnect or disconnect meanwhile wins). True if kept.
   */
  async recordTokenCheck(
    tenantId: string,
    sealedToken: string,
    facts: Pick<ConnectionEntity, 'tokenExpiresAt' | 'dataAccessExpiresAt' | 'scopes'>,
  ): Promise<boolean> {
    const result = await this.withConnections(tenantId, (connections) =>
      connections.update(
        { tenantId, state: 'connected', accessTokenEncrypted: sealedToken },
        { ...facts, updatedAt: new Date() },
      ),
    );
    return Boolean(result.affected);
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

  /** Insert or replace the tenant's connection row. */
  async save(tenantId: string, row: ConnectionEntity): Promise<void> {
    await this.withConnections(tenantId, (connections) => connections.save({ ...row, tenantId }));
  }

  /**
   * Store the chosen assets on a still-connected row; false when the row is no longer connected. A number or WABA
   * held by another tenant fails on its partial unique index (the error propagates).
   */
  async updateAssetsIfConnected(tenantId: string, assets: Partial<ConnectionEntity>): Promise<boolean> {
    const result = await this.withConnections(tenantId, (connections) =>
      connections.update({ tenantId, state: 'connected' }, assets),
    );
    return Boolean(result.affected);
  }

  /** Connections of other tenants, not disconnected, holding this number or WABA (a system query). */
  assetOwnersOtherThan(
    tenantId: string,
    phoneNumberId: string,
    wabaId: string,
  ): Promise<Pick<ConnectionEntity, 'phoneNumberId' | 'wabaId'>[]> {
    return this.db.asSystem('exclusive WhatsApp number and WABA check', (db) =>
      db
        .getRepository(ConnectionEntity)
        .createQueryBuilder('c')
        .select(['c.phoneNumberId', 'c.wabaId'])
        .where('c.tenant_id <> :tenantId', { tenantId })
        .andWhere("c.state <> 'disconnected'")
        .andWhere('(c.phone_number_id = :phoneNumberId OR c.waba_id = :wabaId)', { phoneNumberId, wabaId })
        .getMany(),
    );
  }

  /**
   * How many other tenants' connections (not disconnected: expired ones too) were made by this Meta user (a system
   * query). Revoking the app on Meta (`DELETE /me/permissions`) would stop every one of their tokens.
   */
  async otherConnectionsOfMetaUser(tenantId: string, metaUserId: string): Promise<number> {
    return this.db.asSystem('connections sharing a Meta user', (db) =>
      db
        .getRepository(ConnectionEntity)
        .createQueryBuilder('c')
        .where('c.tenant_id <> :tenantId', { tenantId })
        .andWhere('c.meta_user_id = :metaUserId', { metaUserId })
        .andWhere("c.state <> 'disconnected'")
        .getCount(),
    );
  }

  /** Tenants whose routable connection has this WhatsApp number or WABA (a system query: routes webhooks). */
  async tenantsRouting(
    where: { phoneNumberId: string } | { wabaId: string },
    take?: number,
  ): Promise<string[]> {
    const rows = await this.db.asSystem('route a webhook to its tenant', (db) =>
      db.getRepository(ConnectionEntity).find({
        select: { tenantId: true },
        where: { ...where, state: In(ROUTABLE_STATES) },
        ...(take ? { take } : {}),
      }),
    );
    return rows.map((row) => row.tenantId);
  }
}
