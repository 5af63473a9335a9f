import type { MigrationInterface, QueryRunner } from 'typeorm';

const ROLES = `'ceo', 'professional', 'setter', 'closer'`;
const STATUSES = `'nuevo', 'contactado', 'calificado', 'llamada_agendada', 'negociacion', 'cerrado_ganado', 'cerrado_perdido'`;
const SOURCES = `'META_ADS', 'WHATSAPP', 'WEBSITE', 'REFERRAL', 'MANUAL'`;

/** Creates every table of the `crm` schema. Append-only: later changes go in new migrations. */
export class CreateCrmTables1767225600000 implements MigrationInterface {
  name = 'CreateCrmTables1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm.tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        timezone text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE crm.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN (${ROLES})),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id)
      )`);

    await queryRunner.query(`
      CREATE TABLE crm.pipeline_stages (
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        key text NOT NULL CHECK (key IN (${STATUSES})),
        position int NOT NULL,
        label text NOT NULL,
        PRIMARY KEY (tenant_id, key),
        CONSTRAINT pipeline_stages_tenant_position_key UNIQUE (tenant_id, position)
      )`);

    await queryRunner.query(`
      CREATE TABLE crm.leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        name text NOT NULL,
        phone text NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{7,14}$'),
        email text,
        status text NOT NULL DEFAULT 'nuevo' CHECK (status IN (${STATUSES})),
        lead_source text NOT NULL CHECK (lead_source IN (${SOURCES})),
        meta_ad_id text,
        meta_adset_id text,
        meta_campaign_id text,
        ctwa_clid text,
        meta_leadgen_id text,
        opted_out boolean NOT NULL DEFAULT false,
        assigned_user_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT leads_tenant_id_id_key UNIQUE (tenant_id, id),
        CONSTRAINT leads_tenant_phone_key UNIQUE (tenant_id, phone),
        CONSTRAINT leads_assigned_user_fkey FOREIGN KEY (tenant_id, assigned_user_id)
          REFERENCES crm.users (tenant_id, id)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX leads_tenant_leadgen_key ON crm.leads (tenant_id, meta_leadgen_id)
         WHERE meta_leadgen_id IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX leads_tenant_created_idx ON crm.leads (tenant_id, created_at)`);
    await queryRunner.query(`CREATE INDEX leads_tenant_status_idx ON crm.leads (tenant_id, status)`);
    await queryRunner.query(
      `CREATE INDEX leads_tenant_source_created_idx ON crm.leads (tenant_id, lead_source, created_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE crm.opportunities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL,
        title text NOT NULL,
        value numeric(14, 2) NOT NULL CHECK (value >= 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'won', 'lost')),
        deadline timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        CONSTRAINT opportunities_tenant_id_id_key UNIQUE (tenant_id, id),
        CONSTRAINT opportunities_lead_fkey FOREIGN KEY (tenant_id, lead_id)
          REFERENCES crm.leads (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX opportunities_tenant_lead_idx ON crm.opportunities (tenant_id, lead_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE crm.sales_transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES crm.tenants (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL,
        opportunity_id uuid,
        amount numeric(14, 2) NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'refunded')),
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sales_transactions_completed_at_check CHECK (status <> 'completed' OR completed_at IS NOT NULL),
        CONSTRAINT sales_transactions_lead_fkey FOREIGN KEY (tenant_id, lead_id)
          REFERENCES crm.leads (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT sales_transactions_opportunity_fkey FOREIGN KEY (tenant_id, opportunity_id)
          REFERENCES crm.opportunities (tenant_id, id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX sales_transactions_tenant_lead_idx ON crm.sales_transactions (tenant_id, lead_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX sales_transactions_tenant_status_completed_idx
         ON crm.sales_transactions (tenant_id, status, completed_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE crm.outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_unpublished_idx ON crm.outbox (created_at) WHERE published_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE crm.processed_events (
        tenant_id uuid NOT NULL,
        event_key text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, event_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'processed_events',
      'outbox',
      'sales_transactions',
      'opportunities',
      'leads',
      'pipeline_stages',
      'users',
      'tenants',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS crm.${table}`);
    }
  }
}
