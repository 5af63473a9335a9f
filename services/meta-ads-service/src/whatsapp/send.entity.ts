import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `requested`: the row is written, the request is (or was about to be) on its way to Meta. `accepted`: Meta gave a
 * wamid. `failed`: Meta certainly did not send it (an error answer, or it never left); `META_REJECTED` is final, any
 * other code may be tried again with the same key. `unknown`: it may have reached Meta (timeout, 5xx, a 2xx without a
 * wamid) — never sent again with this key; a status webhook carrying its wamid or callback data settles it.
 */
export type SendStatus = 'requested' | 'accepted' | 'failed' | 'unknown';
export type SendKind = 'template' | 'text';
export type SendError = { code: string; message: string; details?: Record<string, unknown> };

/** One row per (tenant, idempotency key), written before Meta is called: the same key never sends twice. */
@Entity({ name: 'sends' })
export class SendEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @Column({ name: 'to', type: 'text' })
  to!: string;

  @Column({ type: 'text' })
  kind!: SendKind;

  /** Template sends only. */
  @Column({ name: 'template_name', type: 'text', nullable: true })
  templateName!: string | null;

  @Column({ type: 'text', nullable: true })
  language!: string | null;

  @Column({ type: 'text', nullable: true })
  wamid!: string | null;

  @Column({ type: 'text' })
  status!: SendStatus;

  @Column({ type: 'jsonb', nullable: true })
  error!: SendError | null;

  /** `biz_opaque_callback_data` sent with it: status webhooks of a send whose answer was lost carry it. */
  @Column({ name: 'callback_data', type: 'text', nullable: true })
  callbackData!: string | null;

  /** When the current attempt's request left for Meta. */
  @Column({ name: 'requested_at', type: 'timestamptz', nullable: true })
  requestedAt!: Date | null;

  /** The WhatsApp number it was sent from: evidence about an unsettled send comes from the same number. */
  @Column({ name: 'phone_number_id', type: 'text', nullable: true })
  phoneNumberId!: string | null;

  /** When its request ended without an answer we could trust (5xx, no wamid, timeout): the outcome is `unknown`. */
  @Column({ name: 'request_ended_at', type: 'timestamptz', nullable: true })
  requestEndedAt!: Date | null;

  /** When WhatsApp first reported a status (sent, delivered, read, failed) for its wamid. */
  @Column({ name: 'status_reported_at', type: 'timestamptz', nullable: true })
  statusReportedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
