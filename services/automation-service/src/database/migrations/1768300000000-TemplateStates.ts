import { disableTenantRls, enableTenantRls } from '@crm/nest-common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last status Meta gave each template the tenant's rules may use (from `evt.meta.template.status`), with
 * Meta's time of it: an older event arriving late (a redelivery) does not undo a newer one, and a rule that
 * starts using a paused template can be told so. Rule pauses themselves live in `rules.paused_*`.
 */
export class TemplateStates1768300000000 implements MigrationInterface {
  name = 'TemplateStates1768300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE automation.template_states (
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        language text NOT NULL,
        template_id text NOT NULL,
        status text NOT NULL,
        reason text,
        quality_score text,
        at timestamptz NOT NULL,
        CONSTRAINT template_states_pkey PRIMARY KEY (tenant_id, name, language)
      )`);
    await enableTenantRls(queryRunner, 'automation.template_states');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await disableTenantRls(queryRunner, 'automation.template_states');
    await queryRunner.query(`DROP TABLE automation.template_states`);
  }
}
