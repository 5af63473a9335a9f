import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The WhatsApp inbox: one conversation per lead (the customer-service window, unread count and the last message for
 * the list) and its messages in and out (wamid unique per tenant; outbound ones carry their delivery status).
 */
export class WhatsappChats1767700000000 implements MigrationInterface {
  name = 'WhatsappChats1767700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm.conversations (
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL,
        phone_number_id text,
        last_message_at timestamptz,
        last_message_preview text,
        last_message_direction text CHECK (last_message_direction IN ('in', 'out')),
        last_inbound_at timestamptz,
        window_ends_at timestamptz,
        unread_count integer NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT conversations_pkey PRIMARY KEY (tenant_id, lead_id),
        CONSTRAINT conversations_lead_fkey FOREIGN KEY (tenant_id, lead_id)
          REFERENCES crm.leads (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX conversations_tenant_last_message_idx
         ON crm.conversations (tenant_id, last_message_at DESC, lead_id DESC)`,
    );
    await enableTenantRls(queryRunner, 'crm.conversations');

    await queryRunner.query(`
      CREATE TABLE crm.messages (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        wamid text,
        type text NOT NULL CHECK (type IN ('text', 'template')),
        body text,
        template_name text,
        template_language text,
        template_params text[] NOT NULL DEFAULT '{}',
        status text CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'unknown')),
        error_code integer,
        error_title text,
        sent_by_user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_tenant_wamid_key UNIQUE (tenant_id, wamid),
        CONSTRAINT messages_outbound_status CHECK (direction = 'in' OR status IS NOT NULL),
        CONSTRAINT messages_template_named CHECK (type <> 'template' OR template_name IS NOT NULL),
        CONSTRAINT messages_lead_fkey FOREIGN KEY (tenant_id, lead_id)
          REFERENCES crm.leads (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT messages_sent_by_fkey FOREIGN KEY (tenant_id, sent_by_user_id)
          REFERENCES crm.users (tenant_id, id)
      )`);
    await queryRunner.query(
      `CREATE INDEX messages_tenant_lead_created_idx ON crm.messages (tenant_id, lead_id, created_at DESC, id DESC)`,
    );
    await enableTenantRls(queryRunner, 'crm.messages');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['crm.messages', 'crm.conversations']) {
      await disableTenantRls(queryRunner, table);
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
