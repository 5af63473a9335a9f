import type { TemplateDetailView } from '@crm/contracts/browser';
import { describe, expect, it } from 'vitest';
import { emptyRuleForm, validateRuleForm } from './rule-form';

const approved = {
  id: 'tpl-1',
  name: 'recordatorio',
  language: 'es',
  status: 'APPROVED',
  category: 'UTILITY',
  bodyText: 'Hola {{1}}',
  parameterCount: 1,
  syncedAt: '2026-11-26T16:00:00.000Z',
  qualityScore: null,
  reason: null,
  rejectionInfo: null,
  headerFormat: null,
  headerText: null,
  headerParameterCount: 0,
  footerText: null,
  buttons: [],
  statusUpdatedAt: null,
} satisfies TemplateDetailView;

describe('validateRuleForm', () => {
  const valid = { ...emptyRuleForm(), name: 'Recordar', template: 'recordatorio|es' };

  it('turns a valid form into the API fields, sized to the template', () => {
    const result = validateRuleForm(
      { ...valid, triggerType: 'opportunity.deadline', delayValue: '2', minValue: '100' },
      [approved],
    );
    expect(result.problems).toBeNull();
    if (result.problems) return;
    expect(result.fields).toMatchObject({
      name: 'Recordar',
      trigger: { type: 'opportunity.deadline' },
      delaySeconds: 7200,
      conditions: { minOpportunityValue: 100, maxOpportunityValue: null },
      mapping: { header: [], body: ['lead.first_name'], buttons: [] },
      sendWindow: null,
      limits: { maxPerContact: null, perDays: null },
    });
  });

  it('refuses a paused template, a negative delay, a value range upside down and limits out of range', () => {
    const result = validateRuleForm(
      {
        ...valid,
        triggerType: 'opportunity.created',
        delayValue: '-1',
        minValue: '500',
        maxValue: '100',
        maxPerContact: '101',
        perDays: '7',
      },
      [{ ...approved, status: 'PAUSED' }],
    );
    expect(result.problems).toEqual({
      delay: 'delayInvalid',
      value: 'valueRange',
      template: 'templateNotApproved',
      limits: 'limitsRange',
    });
  });

  it('takes an overnight window (end before start) and a whole-day one, as Settings and the API do', () => {
    const overnight = validateRuleForm(
      { ...valid, useWindow: true, windowDays: [5, 6], windowStart: '20:00', windowEnd: '08:00' },
      [approved],
    );
    expect(overnight.problems).toBeNull();
    if (overnight.problems) return;
    expect(overnight.fields.sendWindow).toEqual({ days: [5, 6], start: '20:00', end: '08:00' });
    const allDay = validateRuleForm({ ...valid, useWindow: true, windowStart: '09:00', windowEnd: '09:00' }, [
      approved,
    ]);
    expect(allDay.problems).toBeNull();
  });

  it('refuses a window without days or without both times', () => {
    expect(validateRuleForm({ ...valid, useWindow: true, windowDays: [] }, [approved]).problems).toEqual({
      window: 'windowDays',
    });
    expect(validateRuleForm({ ...valid, useWindow: true, windowEnd: '' }, [approved]).problems).toEqual({
      window: 'windowTime',
    });
    expect(
      validateRuleForm({ ...valid, useWindow: true, windowStart: '25:00' }, [approved]).problems,
    ).toEqual({
      window: 'windowTime',
    });
  });

  it('does not check opportunity values for lead triggers', () => {
    const result = validateRuleForm({ ...valid, minValue: '9', maxValue: '1' }, [approved]);
    expect(result.problems).toBeNull();
  });
});
