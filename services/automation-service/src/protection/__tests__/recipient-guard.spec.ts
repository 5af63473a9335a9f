import { describeRuleLimit, renderFreeForm, ruleLimitOf } from '../recipient-guard';

describe('renderFreeForm', () => {
  it('fills {{n}} with the n-th body parameter, tolerating spaces, and leaves missing ones empty', () => {
    expect(renderFreeForm('Hola {{1}}, soy {{ 2 }} de {{3}}.', ['Ana', 'Sergio', 'Sol'])).toBe(
      'Hola Ana, soy Sergio de Sol.',
    );
    expect(renderFreeForm('Hola {{1}}{{4}}!', ['Ana'])).toBe('Hola Ana!');
    expect(renderFreeForm('Sin variables', [])).toBe('Sin variables');
  });
});

describe('rule limits', () => {
  it('applies only when maxPerContact is set; without perDays it counts every send so far', () => {
    expect(ruleLimitOf({ maxPerContact: null, perDays: 7 })).toBeNull();
    expect(ruleLimitOf({})).toBeNull();
    expect(ruleLimitOf({ maxPerContact: 2, perDays: 30 })).toEqual({ max: 2, days: 30 });
    expect(ruleLimitOf({ maxPerContact: 1, perDays: null })).toEqual({ max: 1, days: null });
  });

  it('says how many the contact got, over which period, and the limit', () => {
    expect(describeRuleLimit({ max: 2, days: 30 }, 2)).toBe(
      'rule_limit: this contact already got 2 message(s) of this rule in the last 30 day(s) (at most 2)',
    );
    expect(describeRuleLimit({ max: 1, days: null }, 1)).toBe(
      'rule_limit: this contact already got 1 message(s) of this rule so far (at most 1)',
    );
  });
});
