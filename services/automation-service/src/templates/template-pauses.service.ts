import { Injectable, Logger } from '@nestjs/common';
import type { RulePause, TemplateStatusChangedEvent } from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { pauseDecision, rulePauseOf, type RulePauseColumns } from './template-pause';

/**
 * Rules follow their template's status at Meta (`evt.meta.template.status`): PAUSED or DISABLED (or deleted) →
 * every rule of the tenant sending that name + language gets `paused_reason/paused_message/paused_at` and its due
 * sends are skipped (`SendPreparer` asks `pauseOf`); APPROVED again → the pause the template caused is cleared.
 * Events are ordered by Meta's time per template (`template_states.at`): an older one is ignored. A token pause
 * (`token_expired`) is never cleared here.
 */
@Injectable()
export class TemplatePausesService {
  private readonly logger = new Logger('TemplatePauses');

  constructor(private readonly db: TenantDatabase) {}

  async onTemplateStatusChanged(event: TemplateStatusChangedEvent): Promise<'applied' | 'stale'> {
    const at = new Date(event.at);
    return this.db.withTenant(event.tenantId, async (db) => {
      const stored: { at: Date }[] = await db.query(
        `SELECT at FROM automation.template_states
          WHERE tenant_id = $1 AND name = $2 AND language = $3 FOR UPDATE`,
        [event.tenantId, event.name, event.language],
      );
      if (stored[0] && stored[0].at.getTime() > at.getTime()) return 'stale';
      await db.query(
        `INSERT INTO automation.template_states
           (tenant_id, name, language, template_id, status, reason, quality_score, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id, name, language) DO UPDATE
           SET template_id = EXCLUDED.template_id, status = EXCLUDED.status, reason = EXCLUDED.reason,
               quality_score = EXCLUDED.quality_score, at = EXCLUDED.at`,
        [
          event.tenantId,
          event.name,
          event.language,
          event.templateId,
          event.status,
          event.reason,
          event.qualityScore,
          at,
        ],
      );
      const decision = pauseDecision(event);
      if (decision.action === 'pause') {
        const paused: unknown[] = await db.query(
          `UPDATE automation.rules
              SET paused_reason = $4, paused_message = $5, paused_at = $6
            WHERE tenant_id = $1 AND template_name = $2 AND template_language = $3
              AND (paused_reason IS NULL OR paused_reason <> 'token_expired')
        RETURNING key`,
          [event.tenantId, event.name, event.language, decision.reason, decision.message, at],
        );
        this.logger.log(`tenant ${event.tenantId}: ${decision.message} → ${countOf(paused)} rule(s) paused`);
      } else if (decision.action === 'resume') {
        const resumed: unknown[] = await db.query(
          `UPDATE automation.rules
              SET paused_reason = NULL, paused_message = NULL, paused_at = NULL
            WHERE tenant_id = $1 AND template_name = $2 AND template_language = $3
              AND paused_reason IN ('template_paused', 'template_disabled')
        RETURNING key`,
          [event.tenantId, event.name, event.language],
        );
        this.logger.log(
          `tenant ${event.tenantId}: template ${event.name} (${event.language}) approved → ${countOf(resumed)} rule(s) resumed`,
        );
      }
      return 'applied';
    });
  }

  /** The system pause of a rule, or null (for SendPreparer and the rule views). */
  async pauseOf(tenantId: string, ruleKey: string): Promise<RulePause | null> {
    const rows: RulePauseColumns[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `SELECT paused_reason, paused_message, paused_at FROM automation.rules WHERE tenant_id = $1 AND key = $2`,
        [tenantId, ruleKey],
      ),
    );
    return rulePauseOf(rows[0]);
  }

  /** Meta's last known status of a template for the tenant (null when no event was seen). */
  async templateStatus(tenantId: string, name: string, language: string): Promise<string | null> {
    const rows: { status: string }[] = await this.db.withTenant(tenantId, (db) =>
      db.query(
        `SELECT status FROM automation.template_states WHERE tenant_id = $1 AND name = $2 AND language = $3`,
        [tenantId, name, language],
      ),
    );
    return rows[0]?.status ?? null;
  }
}

/** A raw UPDATE … RETURNING answers `[rows, count]`. */
function countOf(result: unknown[]): number {
  return Array.isArray(result[0]) ? (result[0] as unknown[]).length : result.length;
}
