import { toLeadOrigin, toTimelineEntry } from '../activity-entries';
import type { ActivityRow } from '../lead-activity-store';

const at = new Date('2026-11-12T16:32:00.000Z');
const row = (fields: Partial<ActivityRow>): ActivityRow => ({
  id: 'a0000000000000000001',
  kind: 'created',
  at,
  actor_user_id: null,
  actor_name: null,
  assignee_name: null,
  details: {},
  ...fields,
});

describe('lead activity as timeline entries', () => {
  it('reads the origin defensively (missing fields are null, unknown channel is other)', () => {
    expect(toLeadOrigin(at, { channel: 'whatsapp_ad', headline: 'Deptos', message: '' })).toEqual({
      channel: 'whatsapp_ad',
      at: '2026-11-12T16:32:00.000Z',
      adId: null,
      headline: 'Deptos',
      body: null,
      sourceUrl: null,
      message: null,
      formId: null,
      formName: null,
    });
    expect(toLeadOrigin(at, {}).channel).toBe('other');
  });

  it('maps each kind with its details, amounts as numbers', () => {
    expect(
      toTimelineEntry(
        row({
          kind: 'assigned',
          details: { from: null, to: 'u1', reason: 'round_robin' },
          assignee_name: 'Sergio',
        }),
      ),
    ).toMatchObject({
      kind: 'assigned',
      reason: 'round_robin',
      toUserId: 'u1',
      toName: 'Sergio',
      actorName: null,
    });
    expect(
      toTimelineEntry(
        row({
          kind: 'opportunity_lost',
          actor_user_id: 'u2',
          actor_name: 'Ana',
          details: {
            opportunityId: 'o1',
            title: 'Depto',
            value: '1500000.50',
            currency: 'MXN',
            lostReason: 'Precio',
          },
        }),
      ),
    ).toMatchObject({
      kind: 'opportunity_lost',
      actorName: 'Ana',
      opportunity: { id: 'o1', title: 'Depto', value: 1500000.5, currency: 'MXN' },
      lostReason: 'Precio',
    });
    expect(
      toTimelineEntry(row({ kind: 'sale_refunded', details: { saleId: 's1', amount: 10, currency: 'USD' } })),
    ).toMatchObject({
      kind: 'sale_refunded',
      at: '2026-11-12T16:32:00.000Z',
      sale: { id: 's1', amount: 10 },
    });
    expect(
      toTimelineEntry(row({ kind: 'status_changed', details: { from: 'nuevo', to: 'contactado' } })),
    ).toMatchObject({ from: 'nuevo', to: 'contactado' });
  });
});
