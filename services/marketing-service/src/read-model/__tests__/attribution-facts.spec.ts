import {
  dayBucketer,
  diffFacts,
  factKey,
  factsOfLead,
  type FactMap,
  type LeadFacts,
  type SaleState,
} from '../attribution-facts';

const TZ = 'America/Mexico_City'; // UTC−6 all year (no DST since 2022)
const at = (iso: string) => new Date(iso);
const dayOf = dayBucketer(TZ);

const lead = (partial: Partial<NonNullable<LeadFacts['lead']>> = {}): NonNullable<LeadFacts['lead']> => ({
  leadId: 'l1',
  isMeta: true,
  adId: 'ad-1',
  createdAt: at('2026-03-01T05:30:00Z'), // Feb 28 23:30 in Mexico City
  ...partial,
});
const sale = (partial: Partial<SaleState> = {}): SaleState => ({
  saleId: 's1',
  leadId: 'l1',
  amount: 1500.5,
  currency: 'MXN',
  status: 'completed',
  completedAt: at('2026-03-10T18:00:00Z'),
  refundedAt: null,
  ...partial,
});

/** `{ "view day ad currency": {measure: n} }` of the non-zero measures, for readable expectations. */
function summary(facts: FactMap | ReturnType<typeof diffFacts>): Record<string, Record<string, number>> {
  const rows = facts instanceof Map ? [...facts.values()] : facts;
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const measures = Object.fromEntries(
      Object.entries(row).filter(([, v]) => typeof v === 'number' && v !== 0),
    ) as Record<string, number>;
    out[`${row.view} ${row.day} ${row.adId ?? '-'} ${row.currency || '-'}`] = measures;
  }
  return out;
}

describe('dayBucketer', () => {
  it('gives the calendar day in the timezone, at both sides of midnight', () => {
    expect(dayOf(at('2026-03-01T05:59:59Z'))).toBe('2026-02-28');
    expect(dayOf(at('2026-03-01T06:00:00Z'))).toBe('2026-03-01');
  });

  it('follows DST: New York midnight is 05:00Z in winter and 04:00Z in summer', () => {
    const ny = dayBucketer('America/New_York');
    expect(ny(at('2026-01-15T04:59:00Z'))).toBe('2026-01-14');
    expect(ny(at('2026-01-15T05:00:00Z'))).toBe('2026-01-15');
    expect(ny(at('2026-07-15T03:59:00Z'))).toBe('2026-07-14');
    expect(ny(at('2026-07-15T04:00:00Z'))).toBe('2026-07-15');
  });

  it('handles offsets that are not whole hours (Kathmandu +05:45)', () => {
    const kathmandu = dayBucketer('Asia/Kathmandu');
    expect(kathmandu(at('2026-01-14T18:14:59Z'))).toBe('2026-01-14');
    expect(kathmandu(at('2026-01-14T18:15:00Z'))).toBe('2026-01-15');
  });
});

describe('factsOfLead', () => {
  it('counts a Meta lead on its creation day in both views', () => {
    expect(summary(factsOfLead({ lead: lead(), opportunities: [], sales: [] }, dayOf))).toEqual({
      'period 2026-02-28 ad-1 -': { leads: 1 },
      'cohort 2026-02-28 ad-1 -': { leads: 1 },
    });
  });

  it('counts nothing for an unknown lead or a lead not from Meta', () => {
    expect(factsOfLead({ lead: null, opportunities: [], sales: [sale()] }, dayOf).size).toBe(0);
    expect(
      factsOfLead({ lead: lead({ isMeta: false }), opportunities: [], sales: [sale()] }, dayOf).size,
    ).toBe(0);
  });

  it('puts each step on its own day in the period view and on the lead day in the cohort view', () => {
    const facts = factsOfLead(
      {
        lead: lead(),
        opportunities: [
          {
            opportunityId: 'o1',
            leadId: 'l1',
            status: 'won',
            createdAt: at('2026-03-02T18:00:00Z'),
            closedAt: at('2026-03-09T18:00:00Z'),
          },
          {
            opportunityId: 'o2',
            leadId: 'l1',
            status: 'lost',
            createdAt: null,
            closedAt: at('2026-03-05T18:00:00Z'),
          },
        ],
        sales: [
          sale(),
          sale({ saleId: 's2', currency: 'USD', amount: 20, completedAt: at('2026-03-10T19:00:00Z') }),
        ],
      },
      dayOf,
    );
    expect(summary(facts)).toEqual({
      'period 2026-02-28 ad-1 -': { leads: 1 },
      'cohort 2026-02-28 ad-1 -': { leads: 1, opportunities: 2, won: 1, lost: 1 },
      'period 2026-03-02 ad-1 -': { opportunities: 1 }, // o2's creation day is unknown: not in the period view yet
      'period 2026-03-09 ad-1 -': { won: 1 },
      'period 2026-03-05 ad-1 -': { lost: 1 },
      'period 2026-03-10 ad-1 MXN': { sales: 1, salesAmountCents: 150050 },
      'cohort 2026-02-28 ad-1 MXN': { sales: 1, salesAmountCents: 150050 },
      'period 2026-03-10 ad-1 USD': { sales: 1, salesAmountCents: 2000 },
      'cohort 2026-02-28 ad-1 USD': { sales: 1, salesAmountCents: 2000 },
    });
  });

  it('a refunded sale is a refund on its refund day, not a sale; a pending sale is nothing', () => {
    const facts = factsOfLead(
      {
        lead: lead({ adId: null }),
        opportunities: [],
        sales: [
          sale({ status: 'refunded', refundedAt: at('2026-04-01T18:00:00Z') }),
          sale({ saleId: 's2', status: 'pending', completedAt: null }),
        ],
      },
      dayOf,
    );
    expect(summary(facts)).toEqual({
      'period 2026-02-28 - -': { leads: 1 },
      'cohort 2026-02-28 - -': { leads: 1 },
      'period 2026-04-01 - MXN': { refunds: 1, refundAmountCents: 150050 },
      'cohort 2026-02-28 - MXN': { refunds: 1, refundAmountCents: 150050 },
    });
  });

  it('keeps a lead with no ad apart from an ad whose id is the empty string', () => {
    expect(factKey('period', '2026-01-01', null, '')).not.toBe(factKey('period', '2026-01-01', '', ''));
  });
});

describe('diffFacts', () => {
  const before = factsOfLead({ lead: lead(), opportunities: [], sales: [sale()] }, dayOf);

  it('moves a sale between currencies and days when it is corrected', () => {
    const after = factsOfLead(
      {
        lead: lead(),
        opportunities: [],
        sales: [sale({ currency: 'USD', amount: 90, completedAt: at('2026-03-11T18:00:00Z') })],
      },
      dayOf,
    );
    expect(summary(diffFacts(before, after))).toEqual({
      'period 2026-03-10 ad-1 MXN': { sales: -1, salesAmountCents: -150050 },
      'cohort 2026-02-28 ad-1 MXN': { sales: -1, salesAmountCents: -150050 },
      'period 2026-03-11 ad-1 USD': { sales: 1, salesAmountCents: 9000 },
      'cohort 2026-02-28 ad-1 USD': { sales: 1, salesAmountCents: 9000 },
    });
  });

  it('is empty when nothing changed (a redelivered event)', () => {
    const same = factsOfLead({ lead: lead(), opportunities: [], sales: [sale()] }, dayOf);
    expect(diffFacts(before, same)).toEqual([]);
  });

  it('counts a sale seen before its lead once the lead arrives', () => {
    const pending = factsOfLead({ lead: null, opportunities: [], sales: [sale()] }, dayOf);
    expect(summary(diffFacts(pending, before))).toEqual(summary(before));
  });
});
