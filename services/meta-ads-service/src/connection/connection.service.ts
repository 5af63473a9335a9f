import { Injectable, Logger } from '@nestjs/common';
import { TenantDatabase } from '@crm/nest-common';
import {
  DomainError,
  type AdAccountOption,
  type CompleteOauthRequest,
  type ConnectionStatus,
  type ConsumeOauthStateRequest,
  type PhoneNumberOption,
  type PortfolioOption,
  type SelectAssetsRequest,
} from '@crm/contracts';
import { QueryFailedError } from 'typeorm';
import { AdCatalogService } from '../ads/ad-catalog.service';
import { InsightsService } from '../ads/insights.service';
import { MetaAdsConfig } from '../config';
import { GraphClient } from '../graph/graph-client';
import { HeldWebhookReplay } from '../webhooks/held-webhook-replay';
import { HeldWebhooksStore } from '../webhooks/held-webhooks.store';
import { ConversionsService } from '../conversions/conversions.service';
import { LeadgenService } from '../webhooks/leadgen.service';
import { TemplatesService } from '../whatsapp/templates.service';
import { ConnectionEntity } from './connection.entity';
import { toConnectionStatus } from './connection-status';
import { ConnectionStore } from './connection.store';
import { OauthStateEntity } from './oauth-state.entity';
import { TokenVault } from './token-vault';

type DebugToken = {
  data?: {
    is_valid?: boolean;
    scopes?: string[];
    expires_at?: number;
    data_access_expires_at?: number;
    granular_scopes?: { scope: string; target_ids?: string[] }[];
    user_id?: string;
    error?: { code?: number; message?: string };
  };
};
type GraphAdAccount = {
  id: string;
  account_id?: string;
  name?: string;
  currency?: string;
  timezone_name?: string;
  account_status?: number;
};
type GraphWaba = { id: string; name?: string };
type GraphPhoneNumber = {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
  quality_rating?: string;
};

/** Scopes whose `granular_scopes[].target_ids` are Facebook Page ids. */
const PAGE_SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_metadata',
  'pages_manage_ads',
  'leads_retrieval',
];

const AD_ACCOUNT_FIELDS = 'id,account_id,name,currency,timezone_name,account_status';

const fromUnix = (seconds: number | undefined): Date | null =>
  typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000) : null;

/** OAuth completion, connection status and the choice of business, ad account and WhatsApp number. */
@Injectable()
export class ConnectionService {
  private readonly logger = new Logger('ConnectionService');

  constructor(
    private readonly db: TenantDatabase,
    private readonly store: ConnectionStore,
    private readonly vault: TokenVault,
    private readonly graph: GraphClient,
    private readonly config: MetaAdsConfig,
    private readonly catalog: AdCatalogService,
    private readonly insights: InsightsService,
    private readonly templates: TemplatesService,
    private readonly leadgens: LeadgenService,
    private readonly heldWebhooks: HeldWebhooksStore,
    private readonly heldReplay: HeldWebhookReplay,
    private readonly conversions: ConversionsService,
  ) {}

  /** An OAuth `state` nonce may be used once, before it expires. */
  async consumeOauthState(request: ConsumeOauthStateRequest): Promise<{ ok: true }> {
    const expiresAt = new Date(request.expiresAt);
    if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
      throw new DomainError('CONFLICT', 'state already used or expired');
    }
    // A nonce already used (by any tenant) is a conflict on its key: nothing is inserted.
    const result = await this.db.withTenant(request.tenantId, (db) =>
      db
        .createQueryBuilder()
        .insert()
        .into(OauthStateEntity)
        .values({
          nonce: request.nonce,
          tenantId: request.tenantId,
          userId: request.userId,
          consumedAt: new Date(),
          expiresAt,
        })
        .orIgnore()
        .returning(['nonce'])
        .execute(),
    );
    if ((result.raw as unknown[]).length === 0)
      throw new DomainError('CONFLICT', 'state already used or expired');
    return { ok: true };
  }

  /**
   * Short-lived token → long-lived token, inspected with debug_token, stored encrypted. A reconnect replaces the
   * token and keeps the assets already chosen.
   */
  async completeOauth(request: CompleteOauthRequest): Promise<ConnectionStatus> {
    const { tenantId } = request;
    const appToken = `${this.config.META_APP_ID}|${this.config.META_APP_SECRET}`;
    const app = { tenantId, family: 'ads' as const, token: appToken };
    const exchanged = await this.graph.get<{ access_token?: string; expires_in?: number }>({
      ...app,
      path: 'oauth/access_token',
      query: {
        grant_type: 'fb_exchange_token',
        client_id: this.config.META_APP_ID,
        client_secret: this.config.META_APP_SECRET,
        fb_exchange_token: request.accessToken,
      },
      secrets: [request.accessToken],
    });
    const longLived = exchanged.access_token;
    if (!longLived) throw new DomainError('META_REJECTED', 'Meta did not return a long-lived token');
    const secrets = [request.accessToken, longLived];
    const debug = await this.graph.get<DebugToken>({
      ...app,
      path: 'debug_token',
      query: { input_token: longLived },
      secrets,
    });
    const info = debug.data ?? {};
    if (info.is_valid !== true) {
      throw new DomainError('META_TOKEN_EXPIRED', 'Meta says the new token is not valid; connect again', {
        metaCode: info.error?.code ?? 190,
      });
    }
    const user = { tenantId, family: 'ads' as const, token: longLived, secrets };
    const me = await this.graph.get<{ id?: string }>({ ...user, path: 'me', query: { fields: 'id,name' } });
    const scopes = [...new Set(info.scopes ?? [])];
    const pageIds = await this.pagesOf(info, scopes, user);
    const expiresAt =
      fromUnix(info.expires_at) ??
      (info.expires_at === 0 || !exchanged.expires_in
        ? null
        : new Date(Date.now() + exchanged.expires_in * 1000));
    const now = new Date();
    const existing = await this.store.find(tenantId);
    const keepAssets = existing && existing.state !== 'disconnected';
    const row: ConnectionEntity = {
      ...emptyAssets(),
      ...(keepAssets ? pickAssets(existing) : {}),
      tenantId,
      state: 'connected',
      accessTokenEncrypted: this.vault.seal(tenantId, longLived),
      tokenExpiresAt: expiresAt,
      dataAccessExpiresAt: fromUnix(info.data_access_expires_at),
      scopes,
      metaUserId: me.id ?? info.user_id ?? null,
      pageIds,
      lastError: null,
      connectedAt: now,
      updatedAt: now,
    };
    await this.store.save(tenantId, row);
    this.logger.log(`tenant ${tenantId}: Meta connected (${scopes.length} scopes, ${pageIds.length} pages)`);
    // Leads that arrived while the token was expired (or Meta was down) can be read now, and webhooks kept while
    // the tenant was disconnected are replayed for the pages this token sees.
    this.leadgens.retryTenantSoon(tenantId);
    this.heldReplay.kick();
    // So can the Conversions API events held since Meta answered 190.
    this.conversions.retryTenantSoon(tenantId);
    return this.statusOf(tenantId, row);
  }

  async status(tenantId: string): Promise<ConnectionStatus> {
    return this.statusOf(tenantId, await this.store.find(tenantId));
  }

  /**
   * Forget the token, the assets and what was synced for them; the assets are recorded as released by this tenant
   * (webhooks for them are kept for it until it reconnects with them). Then, only when no other tenant's connection
   * was made by the same Meta user, a best-effort `DELETE /me/permissions` — Meta de-authorises the app for that
   * user, which would stop every other CRM account that person connected.
   */
  async disconnect(tenantId: string): Promise<ConnectionStatus> {
    const existing = await this.store.find(tenantId);
    if (!existing) return this.statusOf(tenantId, null);
    let token: string | null = null;
    if (existing.accessTokenEncrypted) {
      try {
        token = this.vault.open(tenantId, existing.accessTokenEncrypted);
      } catch {
        this.logger.warn(`tenant ${tenantId}: stored Meta token cannot be decrypted; not revoking on Meta`);
      }
    }
    if (existing.state !== 'disconnected') {
      await this.heldWebhooks.recordRelease(tenantId, {
        phoneNumberId: existing.phoneNumberId,
        wabaId: existing.wabaId,
        pageIds: existing.pageIds,
      });
    }
    const row: ConnectionEntity = {
      ...existing,
      ...emptyAssets(),
      state: 'disconnected',
      accessTokenEncrypted: null,
      tokenExpiresAt: null,
      dataAccessExpiresAt: null,
      scopes: [],
      metaUserId: null,
      pageIds: [],
      lastError: null,
      connectedAt: null,
      updatedAt: new Date(),
    };
    await this.store.save(tenantId, row);
    await this.catalog.deleteForTenant(tenantId);
    await this.templates.deleteForTenant(tenantId);
    await this.insights.deleteForTenant(tenantId);
    if (token) await this.revokeUnlessShared(tenantId, existing.metaUserId, token);
    this.logger.log(`tenant ${tenantId}: Meta disconnected`);
    return this.statusOf(tenantId, row);
  }

  /**
   * `DELETE /me/permissions` with the tenant's (already forgotten) token, unless another tenant's connection uses
   * the same Meta user (or the user is unknown): then only our copy of the token is gone. Checked after our row is
   * cleared, so two tenants of one user disconnecting at once do not both skip it. A failure is logged only.
   */
  private async revokeUnlessShared(
    tenantId: string,
    metaUserId: string | null,
    token: string,
  ): Promise<void> {
    if (!metaUserId) {
      this.logger.warn(`tenant ${tenantId}: Meta user unknown; not revoking the app on Meta`);
      return;
    }
    const others = await this.store.otherConnectionsOfMetaUser(tenantId, metaUserId);
    if (others > 0) {
      this.logger.log(
        `tenant ${tenantId}: Meta user also connected for ${others} other account(s); app permissions kept on Meta`,
      );
      return;
    }
    try {
      await this.graph.delete({ tenantId, family: 'ads', token, path: 'me/permissions' });
    } catch (error) {
      this.logger.warn(
        `tenant ${tenantId}: could not revoke permissions on Meta (${error instanceof DomainError ? error.code : 'error'}); disconnected anyway`,
      );
    }
  }

  async listPortfolios(tenantId: string): Promise<PortfolioOption[]> {
    const { token } = await this.store.requireActive(tenantId);
    return this.portfolios(tenantId, token);
  }

  async listAdAccounts(tenantId: string, businessId: string): Promise<AdAccountOption[]> {
    const { token } = await this.store.requireActive(tenantId);
    return this.adAccounts(tenantId, businessId, token);
  }

  async listPhoneNumbers(tenantId: string, businessId: string): Promise<PhoneNumberOption[]> {
    const { token } = await this.store.requireActive(tenantId);
    return this.phoneNumbers(tenantId, businessId, token);
  }

  /**
   * Check the chosen business, ad account (ACTIVE) and number against what the token can see, sync the ad
   * catalogue and the templates, then store the choice.
   */
  async selectAssets(request: SelectAssetsRequest): Promise<ConnectionStatus> {
    const { tenantId } = request;
    const { token } = await this.store.requireActive(tenantId);
    const business = (await this.portfolios(tenantId, token)).find((b) => b.id === request.businessId);
    if (!business) {
      throw new DomainError(
        'VALIDATION',
        `business ${request.businessId} is not visible to this Meta connection`,
      );
    }
    const account = (await this.adAccounts(tenantId, business.id, token)).find(
      (a) => a.id === request.adAccountId,
    );
    if (!account) {
      throw new DomainError(
        'VALIDATION',
        `ad account ${request.adAccountId} does not belong to business ${business.id}`,
      );
    }
    if (!account.selectable) {
      throw new DomainError(
        'VALIDATION',
        `ad account ${account.id} is not active (account_status ${account.accountStatus})`,
      );
    }
    const phone = (await this.phoneNumbers(tenantId, business.id, token)).find(
      (p) => p.id === request.phoneNumberId && p.wabaId === request.wabaId,
    );
    if (!phone) {
      throw new DomainError(
        'VALIDATION',
        `phone number ${request.phoneNumberId} is not a number of WhatsApp account ${request.wabaId} in business ${business.id}`,
      );
    }
    await this.refuseAssetsOfAnotherTenant(tenantId, phone.id, phone.wabaId);
    await this.catalog.syncAccount(tenantId, account.id, token);
    await this.templates.syncWaba(tenantId, phone.wabaId, token);
    // Only a still-connected row takes the choice (a disconnect or expiry in the meantime wins). The partial unique
    // indexes settle a race between two tenants choosing the same number at the same time.
    const updated = await this.storeChoice(tenantId, {
      businessId: business.id,
      businessName: business.name,
      adAccountId: account.id,
      adAccountName: account.name,
      currency: account.currency,
      timezone: account.timezone,
      wabaId: phone.wabaId,
      phoneNumberId: phone.id,
      displayPhoneNumber: phone.displayPhoneNumber,
      verifiedName: phone.verifiedName,
      lastError: null,
      updatedAt: new Date(),
    });
    if (!updated) {
      throw new DomainError('CONFLICT', 'the Meta connection changed while the assets were being selected');
    }
    // Webhooks kept while the tenant was disconnected are replayed once it holds their number / WABA again.
    this.heldReplay.kick();
    return this.statusOf(tenantId, await this.store.find(tenantId));
  }

  private async statusOf(tenantId: string, row: ConnectionEntity | null): Promise<ConnectionStatus> {
    return toConnectionStatus(row, new Date(), await this.leadgens.pendingCount(tenantId));
  }

  /**
   * Webhooks are routed by phone number and WABA, so each belongs to one tenant at a time: any connection that is
   * not disconnected (an expired one still owns them until it reconnects or disconnects).
   */
  private async refuseAssetsOfAnotherTenant(
    tenantId: string,
    phoneNumberId: string,
    wabaId: string,
  ): Promise<void> {
    const owners = await this.store.assetOwnersOtherThan(tenantId, phoneNumberId, wabaId);
    if (owners.some((owner) => owner.phoneNumberId === phoneNumberId)) throw numberTaken();
    if (owners.length > 0) throw wabaTaken();
  }

  /** Store the chosen assets on a still-connected row; false when the row is no longer connected. */
  private async storeChoice(tenantId: string, assets: Partial<ConnectionEntity>): Promise<boolean> {
    try {
      return await this.store.updateAssetsIfConnected(tenantId, assets);
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'connections_phone_number_id_owner_key') throw numberTaken();
      if (constraint === 'connections_waba_id_owner_key') throw wabaTaken();
      throw error;
    }
  }

  private async portfolios(tenantId: string, token: string): Promise<PortfolioOption[]> {
    const items = await this.graph.getAll<{ id: string; name?: string; verification_status?: string }>({
      tenantId,
      family: 'ads',
      token,
      storedToken: true,
      path: 'me/businesses',
      query: { fields: 'id,name,verification_status', limit: 100 },
    });
    return items.map((b) => ({
      id: b.id,
      name: b.name ?? '',
      verificationStatus: b.verification_status ?? null,
    }));
  }

  /** Owned and client ad accounts of the business, deduplicated by id; only ACTIVE (1) ones are selectable. */
  private async adAccounts(tenantId: string, businessId: string, token: string): Promise<AdAccountOption[]> {
    const request = { tenantId, family: 'ads' as const, token, storedToken: true };
    const query = { fields: AD_ACCOUNT_FIELDS, limit: 100 };
    const owned = await this.graph.getAll<GraphAdAccount>({
      ...request,
      path: `${businessId}/owned_ad_accounts`,
      query,
    });
    const client = await this.graph.getAll<GraphAdAccount>({
      ...request,
      path: `${businessId}/client_ad_accounts`,
      query,
    });
    const byId = new Map<string, AdAccountOption>();
    for (const account of [...owned, ...client]) {
      const id = account.id?.startsWith('act_') ? account.id : `act_${account.account_id ?? account.id}`;
      if (byId.has(id)) continue;
      const accountStatus = Number(account.account_status ?? 0);
      byId.set(id, {
        id,
        name: account.name ?? '',
        currency: account.currency ?? '',
        timezone: account.timezone_name ?? '',
        accountStatus,
        selectable: accountStatus === 1,
      });
    }
    return [...byId.values()];
  }

  private async phoneNumbers(
    tenantId: string,
    businessId: string,
    token: string,
  ): Promise<PhoneNumberOption[]> {
    const request = { tenantId, family: 'whatsapp' as const, token, storedToken: true };
    const wabas = await this.graph.getAll<GraphWaba>({
      ...request,
      path: `${businessId}/owned_whatsapp_business_accounts`,
      query: { fields: 'id,name', limit: 100 },
    });
    const options: PhoneNumberOption[] = [];
    for (const waba of wabas) {
      const numbers = await this.graph.getAll<GraphPhoneNumber>({
        ...request,
        path: `${waba.id}/phone_numbers`,
        query: { fields: 'id,display_phone_number,verified_name,quality_rating', limit: 100 },
      });
      for (const number of numbers) {
        options.push({
          id: number.id,
          wabaId: waba.id,
          wabaName: waba.name ?? '',
          displayPhoneNumber: number.display_phone_number ?? '',
          verifiedName: number.verified_name ?? '',
          qualityRating: number.quality_rating ?? 'UNKNOWN',
        });
      }
    }
    return options;
  }

  /** Page ids the token covers: granular scopes' target ids, else the Pages `me/accounts` lists. */
  private async pagesOf(
    info: NonNullable<DebugToken['data']>,
    scopes: string[],
    user: { tenantId: string; family: 'ads'; token: string; secrets: string[] },
  ): Promise<string[]> {
    const ids = new Set<string>();
    for (const granular of info.granular_scopes ?? []) {
      if (PAGE_SCOPES.includes(granular.scope))
        for (const id of granular.target_ids ?? []) ids.add(String(id));
    }
    if (ids.size === 0 && scopes.includes('pages_show_list')) {
      try {
        const pages = await this.graph.getAll<{ id: string }>({
          ...user,
          path: 'me/accounts',
          query: { fields: 'id', limit: 100 },
        });
        for (const page of pages) ids.add(page.id);
      } catch (error) {
        this.logger.warn(
          `tenant ${user.tenantId}: could not list Pages (${error instanceof DomainError ? error.code : 'error'}); leadgen webhooks will not be routed`,
        );
      }
    }
    return [...ids];
  }
}

const numberTaken = () =>
  new DomainError('CONFLICT', 'this WhatsApp number is already connected to another CRM Ventas account', {
    reason: 'number_owned',
  });
const wabaTaken = () =>
  new DomainError(
    'CONFLICT',
    'this WhatsApp Business account is already connected to another CRM Ventas account',
    { reason: 'waba_owned' },
  );

/** The constraint a PostgreSQL unique violation (23505) names, if that is what the error is. */
function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' ? driverError.constraint : undefined;
}

type AssetColumns = Pick<
  ConnectionEntity,
  | 'businessId'
  | 'businessName'
  | 'adAccountId'
  | 'adAccountName'
  | 'currency'
  | 'timezone'
  | 'wabaId'
  | 'phoneNumberId'
  | 'displayPhoneNumber'
  | 'verifiedName'
>;

function emptyAssets(): AssetColumns {
  return {
    businessId: null,
    businessName: null,
    adAccountId: null,
    adAccountName: null,
    currency: null,
    timezone: null,
    wabaId: null,
    phoneNumberId: null,
    displayPhoneNumber: null,
    verifiedName: null,
  };
}

function pickAssets(connection: ConnectionEntity): AssetColumns {
  return {
    businessId: connection.businessId,
    businessName: connection.businessName,
    adAccountId: connection.adAccountId,
    adAccountName: connection.adAccountName,
    currency: connection.currency,
    timezone: connection.timezone,
    wabaId: connection.wabaId,
    phoneNumberId: connection.phoneNumberId,
    displayPhoneNumber: connection.displayPhoneNumber,
    verifiedName: connection.verifiedName,
  };
}
