import type { ConnectionState } from '@crm/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type StoredMetaError = { code: string; message: string; at: string; metaCode?: number };

/** One Meta connection per tenant: the (encrypted) long-lived token and the assets chosen for it. */
@Entity({ name: 'connections' })
export class ConnectionEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  state!: ConnectionState;

  /** AES-256-GCM (`encryptSecret`, aad = tenant id). Never logged, never returned. */
  @Column({ name: 'access_token_encrypted', type: 'text', nullable: true })
  accessTokenEncrypted!: string | null;

  @Column({ name: 'token_expires_at', type: 'timestamptz', nullable: true })
  tokenExpiresAt!: Date | null;

  @Column({ name: 'data_access_expires_at', type: 'timestamptz', nullable: true })
  dataAccessExpiresAt!: Date | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  scopes!: string[];

  @Column({ name: 'meta_user_id', type: 'text', nullable: true })
  metaUserId!: string | null;

  @Column({ name: 'business_id', type: 'text', nullable: true })
  businessId!: string | null;

  @Column({ name: 'business_name', type: 'text', nullable: true })
  businessName!: string | null;

  /** With the `act_` prefix. */
  @Column({ name: 'ad_account_id', type: 'text', nullable: true })
  adAccountId!: string | null;

  @Column({ name: 'ad_account_name', type: 'text', nullable: true })
  adAccountName!: string | null;

  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  @Column({ type: 'text', nullable: true })
  timezone!: string | null;

  @Column({ name: 'waba_id', type: 'text', nullable: true })
  wabaId!: string | null;

  @Column({ name: 'phone_number_id', type: 'text', nullable: true })
  phoneNumberId!: string | null;

  @Column({ name: 'display_phone_number', type: 'text', nullable: true })
  displayPhoneNumber!: string | null;

  @Column({ name: 'verified_name', type: 'text', nullable: true })
  verifiedName!: string | null;

  /** Facebook Pages the token sees (granular scopes / `me/accounts`). Lead Ads route by `pages` (chosen) instead. */
  @Column({ name: 'page_ids', type: 'text', array: true, default: () => `'{}'` })
  pageIds!: string[];

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError!: StoredMetaError | null;

  @Column({ name: 'connected_at', type: 'timestamptz', nullable: true })
  connectedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
