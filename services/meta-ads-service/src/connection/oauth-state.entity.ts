import { Column, Entity, PrimaryColumn } from 'typeorm';

/** OAuth `state` nonces already used: a callback replaying a state is refused. */
@Entity({ name: 'oauth_states' })
export class OauthStateEntity {
  @PrimaryColumn({ type: 'text' })
  nonce!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'consumed_at', type: 'timestamptz' })
  consumedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
