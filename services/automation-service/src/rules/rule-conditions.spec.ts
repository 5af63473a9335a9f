import type { AutomationRuleView } from '@crm/contracts';
import { failedCondition, triggerNoLongerHolds, whyNotApplicable, type RuleFacts } from './rule-conditions';
import { defaultRule } from './rule-defaults';

const SELLER = '11111111-1111-4111-8111-111111111111';

const facts = (overrides: Partial<RuleFacts['lead']> = {}, more: Partial<RuleFacts> = {}): RuleFacts => ({
  lead: {
    status: 'nuevo',
    leadSource: 'META_ADS',
    metaCampaignId: '120000000000001',
    metaAdId: '120000000000009',
    assignedUserId: SELLER,
    tags: ['VIP', 'depto'],
    ...overrides,
  },
  ...more,
});

describe('rule conditions', () => {
  it('no conditions: always holds', () => {
    expect(failedCondition({}, facts())).toBeNull();
    expect(failedCondition({ leadSources: [], tags: [] }, facts())).toBeNull();
  });

  it('each condition must hold (AND), each list is an OR of its values', () => {
    const conditions = {
      leadSources: ['META_ADS', 'WEBSITE'],
      leadStatuses: ['nuevo'],
      campaignIds: ['120000000000001'],
      adIds: ['120000000000009'],
      sellerIds: [SELLER],
      tags: ['vip'],
    };
    expect(failedCondition(conditions, facts())).toBeNull();
    expect(failedCondition(conditions, facts({ leadSource: 'MANUAL' }))?.text).toBe('lead source is MANUAL');
    expect(failedCondition(conditions, facts({ status: 'contactado' }))?.text).toBe(
      'lead status is contactado',
    );
    expect(failedCondition(conditions, facts({ metaCampaignId: null }))?.text).toBe(
      'lead is not from the campaign',
    );
    expect(failedCondition(conditions, facts({ metaAdId: '1' }))?.text).toBe('lead is not from the ad');
    expect(failedCondition(conditions, facts({ assignedUserId: null }))?.text).toBe(
      'lead has another seller',
    );
    expect(failedCondition(conditions, facts({ tags: ['otro'] }))?.text).toBe('lead has none of the tags');
    expect(failedCondition(conditions, facts({ tags: ['otro'] }))?.reason).toBe('condition_changed');
  });

  it('opportunity value bounds need an opportunity within them', () => {
    const bounds = { minOpportunityValue: 1000, maxOpportunityValue: 5000 };
    const opportunity = (value: number) => ({ status: 'pending' as const, value, deadline: null });
    expect(failedCondition(bounds, facts({}, { opportunity: opportunity(1000) }))).toBeNull();
    expect(failedCondition(bounds, facts({}, { opportunity: opportunity(5000) }))).toBeNull();
    expect(failedCondition(bounds, facts({}, { opportunity: opportunity(999) }))?.text).toMatch(/< 1000/);
    expect(failedCondition(bounds, facts({}, { opportunity: opportunity(5001) }))?.text).toMatch(/> 5000/);
    expect(failedCondition(bounds, facts())?.text).toBe('no opportunity to compare the value with');
  });

  it('what the built-in triggers imply: lead still new, opportunity still pending, sale not refunded', () => {
    expect(triggerNoLongerHolds(defaultRule('lead_followup'), facts())).toBeNull();
    expect(triggerNoLongerHolds(defaultRule('lead_followup'), facts({ status: 'contactado' }))?.text).toBe(
      'lead already contacted',
    );
    const reminder = defaultRule('opportunity_reminder');
    const pending = { status: 'pending' as const, value: 1, deadline: null };
    expect(triggerNoLongerHolds(reminder, facts({}, { opportunity: pending }))).toBeNull();
    expect(
      triggerNoLongerHolds(reminder, facts({}, { opportunity: { ...pending, status: 'won' } }))?.text,
    ).toBe('opportunity won');
    expect(triggerNoLongerHolds(reminder, facts())?.text).toBe('opportunity not found');
    const feedback = defaultRule('post_sale_feedback');
    expect(triggerNoLongerHolds(feedback, facts({}, { sale: { status: 'completed' } }))).toBeNull();
    expect(triggerNoLongerHolds(feedback, facts({}, { sale: { status: 'refunded' } }))?.text).toBe(
      'sale refunded',
    );
  });

  it('a "status changed to X" rule no longer applies once the lead left X', () => {
    const rule: AutomationRuleView = {
      ...defaultRule('lead_followup'),
      key: 'r_0123456789ab',
      builtIn: false,
      trigger: { type: 'lead.status_changed', toStatus: 'calificado' },
    };
    expect(whyNotApplicable(rule, facts({ status: 'calificado' }))).toBeNull();
    expect(whyNotApplicable(rule, facts({ status: 'nuevo' }))?.text).toBe('lead is no longer calificado');
    // The trigger's own check comes first, then the user's conditions.
    const withCondition = { ...rule, conditions: { leadSources: ['WEBSITE'] } };
    expect(whyNotApplicable(withCondition, facts({ status: 'calificado' }))?.text).toBe(
      'lead source is META_ADS',
    );
  });
});
