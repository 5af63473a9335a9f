import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A WhatsApp number and a WABA belong to at most one tenant whose connection is not `disconnected` (webhooks are
 * routed by them, never guessed), and Lead Ads leads that could not be read from Meta wait in `pending_leadgen`.
 *
 * Rows that already share a number / WABA keep it on the most recently connected tenant (the one webhooks were
 * routed to until now); the others lose the WhatsApp choice and are asked to select a number again.
 */
export class ExclusiveAssetsAndPendingLeadgen1767225800000 implements MigrationInterface {
  name = 'ExclusiveAssetsAndPendingLeadgen1767225800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['phone_number_id', 'waba_id']) {
      await queryRunner.query(`
        WITH ranked AS (
          SELECT tenant_id,
                 row_number() OVER (
                   PARTITION BY ${column}
                   ORDER BY connected_at DESC NULLS LAST, updated_at DESC, tenant_id
                 ) AS position
            FROM meta_ads.connections
           WHERE state <> 'disconnected' AND ${column} IS NOT NULL
        )
        UPDATE meta_ads.connections c
           SET waba_id = NULL, phone_number_id = NULL, display_phone_number = NULL, verified_name = NULL,
               updated_at = now()
          FROM ranked
         WHERE c.tenant_id = ranked.tenant_id AND ranked.position > 1`);
    }
    await queryRunner.query(`
      CREATE UNIQUE INDEX connections_phone_number_id_owner_key ON meta_ads.connections (phone_number_id)
       WHERE state <> 'disconnected' AND phone_number_id IS NOT NULL`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX connections_waba_id_owner_key ON meta_ads.connections (waba_id)
       WHERE state <> 'disconnected' AND waba_id IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE meta_ads.pending_leadgen (
        tenant_id uuid NOT NULL,
        leadgen_id text NOT NULL,
        page_id text NOT NULL,
        form_id text,
        ad_id text,
        adgroup_id text,
        created_time timestamptz,
        received_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 1 CHECK (attempts >= 0),
        last_error jsonb,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pending_leadgen_pkey PRIMARY KEY (tenant_id, leadgen_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX pending_leadgen_due_idx ON meta_ads.pending_leadgen (next_attempt_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS meta_ads.pending_leadgen`);
    await queryRunner.query(`DROP INDEX IF EXISTS meta_ads.connections_waba_id_owner_key`);
    await queryRunner.query(`DROP INDEX IF EXISTS meta_ads.connections_phone_number_id_owner_key`);
  }
}
