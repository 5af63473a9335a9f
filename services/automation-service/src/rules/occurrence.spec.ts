import { dueAtFor, manualOccurrenceKey, occurrenceFor, occurrenceStillCurrent } from './occurrence';

const LEAD = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const OPP = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const SALE = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const at = new Date('2026-11-26T10:00:00.000Z');
const now = new Date('2026-11-26T09:00:00.000Z');

const rule = (
  key: string,
  type: Parameters<typeof occurrenceFor>[0]['trigger']['type'],
  delaySeconds: number,
) => ({
  key,
  trigger: { type },
  delaySeconds,
});

describe('occurrence keys and due times', () => {
  it('lead_followup: one per lead, due after the delay', () => {
    expect(
      occurrenceFor(
        rule('lead_followup', 'lead.created', 86400),
        { type: 'lead.created', leadId: LEAD, at },
        now,
      ),
    ).toEqual({
      occurrenceKey: `lead_followup:${LEAD}`,
      anchorAt: at,
      dueAt: new Date('2026-11-27T10:00:00.000Z'),
      leadId: LEAD,
      opportunityId: null,
      saleId: null,
    });
  });

  it('opportunity_reminder: one per opportunity and deadline, due that long before it', () => {
    const deadline = new Date('2026-11-26T15:00:00.000Z');
    const reminder = rule('opportunity_reminder', 'opportunity.deadline', 7200);
    const event = { type: 'opportunity.deadline' as const, leadId: LEAD, opportunityId: OPP, deadline };
    expect(occurrenceFor(reminder, event, now)).toMatchObject({
      occurrenceKey: `opportunity_reminder:${OPP}:${deadline.getTime()}`,
      anchorAt: deadline,
      dueAt: new Date('2026-11-26T13:00:00.000Z'),
      opportunityId: OPP,
    });
    // A moved deadline is another occurrence.
    const moved = new Date('2026-11-26T18:00:00.000Z');
    expect(occurrenceFor(reminder, { ...event, deadline: moved }, now)?.occurrenceKey).toBe(
      `opportunity_reminder:${OPP}:${moved.getTime()}`,
    );
    // A deadline already gone gets no reminder.
    expect(
      occurrenceFor(reminder, { ...event, deadline: new Date('2026-11-26T08:00:00.000Z') }, now),
    ).toBeNull();
  });

  it('post_sale_feedback: one per sale', () => {
    expect(
      occurrenceFor(
        rule('post_sale_feedback', 'sale.completed', 7 * 86400),
        { type: 'sale.completed', leadId: LEAD, saleId: SALE, opportunityId: OPP, at },
        now,
      ),
    ).toMatchObject({
      occurrenceKey: `post_sale_feedback:${SALE}`,
      dueAt: new Date('2026-12-03T10:00:00.000Z'),
      saleId: SALE,
      opportunityId: OPP,
    });
  });

  it('custom triggers: keys from the event ids and timestamps (stable across redeliveries)', () => {
    const statusRule = {
      key: 'r_0123456789ab',
      trigger: { type: 'lead.status_changed' as const, toStatus: 'calificado' },
      delaySeconds: 60,
    };
    const event = { type: 'lead.status_changed' as const, leadId: LEAD, toStatus: 'calificado', at };
    const first = occurrenceFor(statusRule, event, now);
    expect(first?.occurrenceKey).toBe(`r_0123456789ab:${LEAD}:calificado:${at.getTime()}`);
    expect(occurrenceFor(statusRule, { ...event }, now)).toEqual(first);
    expect(occurrenceFor(statusRule, { ...event, toStatus: 'contactado' }, now)).toBeNull();
    expect(
      occurrenceFor(
        rule('r_0123456789ab', 'no_reply', 3600),
        { type: 'no_reply', leadId: LEAD, wamid: 'wamid.X', at },
        now,
      )?.occurrenceKey,
    ).toBe(`r_0123456789ab:${LEAD}:wamid.X`);
    expect(
      occurrenceFor(
        rule('r_0123456789ab', 'lead.assigned', 0),
        { type: 'lead.assigned', leadId: LEAD, toUserId: null, at },
        now,
      )?.occurrenceKey,
    ).toBe(`r_0123456789ab:${LEAD}:none:${at.getTime()}`);
    // Another trigger type: not this rule's occurrence.
    expect(occurrenceFor(rule('lead_followup', 'lead.created', 1), event, now)).toBeNull();
  });

  it('manual triggers: the follow-up shares the automatic key; other rules get their own per lead and entity', () => {
    expect(manualOccurrenceKey('lead_followup', LEAD)).toBe(`lead_followup:${LEAD}`);
    expect(manualOccurrenceKey('opportunity_reminder', LEAD, { opportunityId: OPP })).toBe(
      `opportunity_reminder:manual:${LEAD}:${OPP}`,
    );
    expect(manualOccurrenceKey('r_0123456789ab', LEAD)).toBe(`r_0123456789ab:manual:${LEAD}`);
  });

  it('a reminder is stale once its deadline moved or was removed', () => {
    const reminder = { key: 'opportunity_reminder', trigger: { type: 'opportunity.deadline' as const } };
    const key = `opportunity_reminder:${OPP}:${Date.parse('2026-11-26T15:00:00.000Z')}`;
    expect(
      occurrenceStillCurrent(reminder, key, { opportunity: { deadline: '2026-11-26T15:00:00.000Z' } }),
    ).toBeNull();
    expect(
      occurrenceStillCurrent(reminder, key, { opportunity: { deadline: '2026-11-26T18:00:00.000Z' } })?.text,
    ).toBe('deadline moved to 2026-11-26T18:00:00.000Z');
    expect(occurrenceStillCurrent(reminder, key, { opportunity: { deadline: null } })?.text).toBe(
      'deadline removed',
    );
    // A person's trigger is not tied to a deadline.
    expect(
      occurrenceStillCurrent(reminder, `opportunity_reminder:manual:${LEAD}:${OPP}`, {
        opportunity: { deadline: null },
      }),
    ).toBeNull();
  });

  it('a due time counts from its anchor: after the event, or before the deadline', () => {
    expect(dueAtFor('lead.created', 3600, at)).toEqual(new Date('2026-11-26T11:00:00.000Z'));
    expect(dueAtFor('sale.completed', 0, at)).toEqual(at);
    expect(dueAtFor('opportunity.deadline', 3600, at)).toEqual(new Date('2026-11-26T09:00:00.000Z'));
  });
});
