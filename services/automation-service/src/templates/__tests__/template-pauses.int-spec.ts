import { randomUUID } from 'node:crypto';
import { Events, type RuleKey, type TemplateStatusChangedEvent } from '@crm/contracts';
import { waitFor } from '@crm/testing';
import {
  historyOf,
  insertSend,
  saveRule,
  sendRow,
  sleep,
  startAutomationTestApp,
  type AutomationTestApp,
} from '../../__tests__/automation-test-app';
import { TemplatePausesService } from '../template-pauses.service';

/** A user rule (RuleKey still names only the built-in rule in contracts). */
const OTHER_RULE = 'r_0123456789ab' as RuleKey;

type PauseRow = {
  key: string;
  paused_reason: string | null;
  paused_message: string | null;
  paused_at: Date | null;
};

describe('automation-service: rules follow their template status at Meta (evt.meta.template.status)', () => {
  let svc: AutomationTestApp;

  beforeAll(async () => {
    svc = await startAutomationTestApp({ pollMs: 100 });
  });

  afterAll(async () => {
    await svc?.close();
  });

  const pausesOf = async (tenantId: string): Promise<PauseRow[]> =>
    (await svc.db.query(
      `SELECT key, paused_reason, paused_message, paused_at FROM automation.rules WHERE tenant_id = $1 ORDER BY key`,
      [tenantId],
    )) as PauseRow[];

  const publish = (tenantId: string, status: string, at: Date, reason: string | null = null) =>
    svc.jetstream.publish(
      Events.templateStatusChanged,
      {
        tenantId,
        templateId: '1689556908129832',
        name: 'seguimiento_lead',
        language: 'es',
        status,
        previousStatus: null,
        reason,
        qualityScore: null,
        at: at.toISOString(),
      } satisfies TemplateStatusChangedEvent,
      randomUUID(),
    );

  it('PAUSED pauses the rules using the template (not others), their due sends are skipped; APPROVED resumes; older events are ignored', async () => {
    const tenantId = randomUUID();
    await saveRule(svc.db, tenantId, {
      key: 'lead_followup',
      enabled: true,
      templateName: 'seguimiento_lead',
    });
    await saveRule(svc.db, tenantId, {
      key: OTHER_RULE,
      enabled: true,
      templateName: 'otra_plantilla',
    });
    const t0 = new Date(Date.now() - 60_000);

    await publish(tenantId, 'PAUSED', t0, 'Paused for 3 hours due to low quality');
    await waitFor(async () => (await pausesOf(tenantId))[0].paused_at !== null, { what: 'rule paused' });
    const [followup, feedback] = await pausesOf(tenantId);
    expect(followup).toMatchObject({
      key: 'lead_followup',
      paused_reason: 'template_paused',
      paused_at: t0,
    });
    expect(followup.paused_message).toContain('seguimiento_lead (es): Paused for 3 hours due to low quality');
    expect(feedback.paused_at).toBeNull();
    expect(await svc.app.get(TemplatePausesService).pauseOf(tenantId, 'lead_followup')).toMatchObject({
      reason: 'template_paused',
      at: t0.toISOString(),
    });

    // A send of the paused rule comes due: skipped (never sent), with the reason in its history.
    const due = await insertSend(svc.db, {
      tenantId,
      status: 'scheduled',
      dueAt: new Date(Date.now() - 1000),
    });
    await waitFor(async () => (await sendRow(svc.db, tenantId, due)).status === 'skipped', {
      what: 'send skipped while paused',
    });
    const history = await historyOf(svc.db, tenantId, due);
    expect(history[history.length - 1].detail).toMatch(
      /^rule paused: Meta paused the template seguimiento_lead/,
    );

    // APPROVED again (Meta unpaused it): the pause is cleared.
    await publish(tenantId, 'APPROVED', new Date(t0.getTime() + 30_000));
    await waitFor(async () => (await pausesOf(tenantId))[0].paused_at === null, { what: 'rule resumed' });

    // A late, older DISABLED is ignored: the rule stays resumed.
    await publish(tenantId, 'DISABLED', new Date(t0.getTime() + 10_000));
    await sleep(800);
    expect((await pausesOf(tenantId))[0]).toMatchObject({ paused_reason: null, paused_at: null });
    const states = (await svc.db.query(
      `SELECT status FROM automation.template_states WHERE tenant_id = $1 AND name = 'seguimiento_lead'`,
      [tenantId],
    )) as { status: string }[];
    expect(states).toEqual([{ status: 'APPROVED' }]);

    // A newer DISABLED pauses it as disabled; a token pause is never cleared by a template event.
    await publish(tenantId, 'DISABLED', new Date(t0.getTime() + 40_000));
    await waitFor(async () => (await pausesOf(tenantId))[0].paused_reason === 'template_disabled', {
      what: 'rule paused as disabled',
    });
    await svc.db.query(
      `UPDATE automation.rules SET paused_reason = 'token_expired', paused_message = 'token', paused_at = now()
        WHERE tenant_id = $1 AND key = $2`,
      [tenantId, OTHER_RULE],
    );
    await svc.db.query(
      `UPDATE automation.rules SET template_name = 'seguimiento_lead' WHERE tenant_id = $1`,
      [tenantId],
    );
    await publish(tenantId, 'APPROVED', new Date(t0.getTime() + 50_000));
    await waitFor(async () => (await pausesOf(tenantId))[0].paused_at === null, { what: 'resumed again' });
    expect((await pausesOf(tenantId))[1].paused_reason).toBe('token_expired');
  });
});
