import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 7, a rule's timing change moves what is scheduled: `sends.anchor_at` is the instant a send's due time counts
 * from (the event's time, or the deadline for `opportunity.deadline`), so a new `delaySeconds` can recompute the
 * due time of sends not yet attempted. Sends still waiting get one: from their occurrence key where it carries the
 * instant (deadline, status change, assignment), else from their due time and the rule's current delay.
 */
export class SendAnchors1768600000001 implements MigrationInterface {
  name = 'SendAnchors1768600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE automation.sends ADD COLUMN anchor_at timestamptz`);
    await queryRunner.query(`
      UPDATE automation.sends s
         SET anchor_at = CASE
               WHEN r.trigger->>'type' IN ('opportunity.deadline', 'lead.status_changed', 'lead.assigned')
                    AND s.occurrence_key ~ ':[0-9]{1,15}$'
                 THEN to_timestamp(substring(s.occurrence_key from ':([0-9]{1,15})$')::bigint / 1000.0)
               WHEN r.trigger->>'type' = 'opportunity.deadline'
                 THEN s.due_at + make_interval(secs => r.delay_seconds)
               ELSE s.due_at - make_interval(secs => r.delay_seconds)
             END
        FROM automation.rules r
       WHERE r.tenant_id = s.tenant_id AND r.key = s.rule_key
         AND s.status = 'scheduled' AND NOT s.manual AND s.attempts = 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE automation.sends DROP COLUMN anchor_at`);
  }
}
