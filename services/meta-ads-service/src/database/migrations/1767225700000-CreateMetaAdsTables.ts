import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates every table of the `meta_ads` schema. Append-only: later changes go in new migrations. */
export class CreateMetaAdsTables1767225700000 implements MigrationInterface {
  name = 'CreateMetaAdsTables1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE meta_ads.connections (
        tenant_id uuid PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('connected', 'expired', 'revoked', 'disconnected')),
        access_token_encrypted text,
        token_expires_at timestamptz,
        data_access_expires_at timestamptz,
        scopes text[] NOT NULL DEFAULT '{}',
        meta_user_id text,
        business_id text,
        business_name text,
        ad_account_id text CHECK (ad_account_id ~ '^act_[0-9]+$'),
        ad_account_name text,
        currency text,
        timezone text,
        waba_id text,
        phone_number_id text,
        display_phone_number text,
        verified_name text,
        page_ids text[] NOT NULL DEFAULT '{}',
        last_error jsonb,
        connected_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT connections_token_when_connected CHECK (
          state IN ('disconnected', 'revoked') OR access_token_encrypted IS NOT NULL
        )
      )`);
    await queryRunner.query(
      `CREATE INDEX connections_phone_number_id_idx ON meta_ads.connections (phone_number_id)`,
    );
    await queryRunner.query(`CREATE INDEX connections_waba_id_idx ON meta_ads.connections (waba_id)`);
    await queryRunner.query(
      `CREATE INDEX connections_page_ids_idx ON meta_ads.connections USING gin (page_ids)`,
    );

    await queryRunner.query(`
      CREATE TABLE meta_ads.oauth_states (
        nonce text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        consumed_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX oauth_states_tenant_idx ON meta_ads.oauth_states (tenant_id)`);

    await queryRunner.query(`
      CREATE TABLE meta_ads.templates (
        tenant_id uuid NOT NULL,
        waba_id text NOT NULL,
        template_id text NOT NULL,
        name text NOT NULL,
        language text NOT NULL,
        status text NOT NULL,
        category text NOT NULL,
        body_text text NOT NULL DEFAULT '',
        parameter_count int NOT NULL DEFAULT 0 CHECK (parameter_count >= 0),
        components jsonb NOT NULL DEFAULT '[]',
        synced_at timestamptz NOT NULL,
        CONSTRAINT templates_tenant_name_language_key PRIMARY KEY (tenant_id, name, language)
      )`);
    await queryRunner.query(
      `CREATE INDEX templates_tenant_template_idx ON meta_ads.templates (tenant_id, template_id)`,
    );

    await queryRunner.query(`
      CREATE TABLE meta_ads.sends (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        "to" text NOT NULL,
        template_name text NOT NULL,
        language text NOT NULL,
        wamid text,
        status text NOT NULL CHECK (status IN ('requested', 'accepted', 'failed')),
        error jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sends_tenant_idempotency_key UNIQUE (tenant_id, idempotency_key),
        CONSTRAINT sends_accepted_has_wamid CHECK (status <> 'accepted' OR wamid IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX sends_wamid_idx ON meta_ads.sends (wamid) WHERE wamid IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE meta_ads.insights_cache (
        tenant_id uuid NOT NULL,
        ad_account_id text NOT NULL,
        since date NOT NULL,
        until date NOT NULL,
        payload jsonb NOT NULL,
        fetched_at timestamptz NOT NULL,
        CONSTRAINT insights_cache_pkey PRIMARY KEY (tenant_id, ad_account_id, since, until),
        CONSTRAINT insights_cache_range CHECK (since <= until)
      )`);

    await queryRunner.query(`
      CREATE TABLE meta_ads.ads (
        tenant_id uuid NOT NULL,
        ad_id text NOT NULL,
        ad_account_id text,
        ad_name text NOT NULL,
        adset_id text NOT NULL,
        adset_name text NOT NULL,
        campaign_id text NOT NULL,
        campaign_name text NOT NULL,
        effective_status text,
        synced_at timestamptz NOT NULL,
        CONSTRAINT ads_pkey PRIMARY KEY (tenant_id, ad_id)
      )`);
    await queryRunner.query(`CREATE INDEX ads_tenant_account_idx ON meta_ads.ads (tenant_id, ad_account_id)`);

    await queryRunner.query(`
      CREATE TABLE meta_ads.webhook_receipts (
        event_key text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_receipts_tenant_idx ON meta_ads.webhook_receipts (tenant_id, received_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_receipts',
      'ads',
      'insights_cache',
      'sends',
      'templates',
      'oauth_states',
      'connections',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS meta_ads.${table}`);
    }
  }
}
