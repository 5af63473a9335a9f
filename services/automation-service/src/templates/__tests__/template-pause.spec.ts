import { isRulePaused, pauseDecision, rulePauseOf } from '../template-pause';

describe('template status → rule pause', () => {
  const event = (status: string, reason: string | null = null) => ({
    name: 'promo',
    language: 'es',
    status,
    reason,
  });

  it('pauses on PAUSED, DISABLED and deletion, with a message naming the template and Meta’s reason', () => {
    expect(pauseDecision(event('PAUSED', 'FIRST_PAUSE'))).toEqual({
      action: 'pause',
      reason: 'template_paused',
      message: 'Meta paused the template promo (es): FIRST_PAUSE',
    });
    expect(pauseDecision(event('DISABLED'))).toMatchObject({ action: 'pause', reason: 'template_disabled' });
    expect(pauseDecision(event('DELETED'))).toMatchObject({
      reason: 'template_disabled',
      message: 'Meta deleted the template promo (es)',
    });
  });

  it('resumes on APPROVED only and leaves other statuses alone', () => {
    expect(pauseDecision(event('APPROVED'))).toEqual({ action: 'resume' });
    for (const status of ['REJECTED', 'PENDING', 'IN_APPEAL', 'LIMIT_EXCEEDED']) {
      expect(pauseDecision(event(status))).toEqual({ action: 'none' });
    }
  });

  it('reads the pause columns', () => {
    expect(isRulePaused(null)).toBe(false);
    expect(isRulePaused({ paused_reason: null, paused_message: null, paused_at: null })).toBe(false);
    const row = {
      paused_reason: 'template_paused',
      paused_message: 'm',
      paused_at: new Date('2026-01-01T00:00:00Z'),
    };
    expect(isRulePaused(row)).toBe(true);
    expect(rulePauseOf(row)).toEqual({
      reason: 'template_paused',
      message: 'm',
      at: '2026-01-01T00:00:00.000Z',
    });
  });
});
