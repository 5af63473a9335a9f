import { DomainError, type UpdateOpportunityRequest } from '@crm/contracts';
import type { OpportunityRow } from '../../leads/opportunity-store';
import { diff } from '../opportunities.service';
import { assertMayAssignOwner, visibilityOf } from '../visibility';

const SETTER = '00000000-0000-4000-8000-0000000000aa';

const row = (fields: Partial<OpportunityRow> = {}): OpportunityRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  lead_id: '00000000-0000-4000-8000-000000000002',
  title: 'Casa',
  value: '1000.00',
  currency: 'MXN',
  status: 'pending',
  deadline: new Date('2026-12-01T00:00:00Z'),
  owner_user_id: null,
  lost_reason: null,
  closed_at: null,
  created_at: new Date('2026-11-01T00:00:00Z'),
  updated_at: new Date('2026-11-01T00:00:00Z'),
  ...fields,
});

const patch = (fields: Partial<UpdateOpportunityRequest>): UpdateOpportunityRequest => ({
  tenantId: '00000000-0000-4000-8000-000000000003',
  actorUserId: SETTER,
  actorRole: 'ceo',
  opportunityId: row().id,
  ...fields,
});

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('opportunity changes (diff)', () => {
  it('keeps only the fields that differ from the stored row', () => {
    expect(
      diff(
        row(),
        patch({
          title: ' Casa ',
          value: 1000,
          currency: 'MXN',
          deadline: '2026-12-01T00:00:00.000Z',
          ownerId: null,
        }),
      ),
    ).toEqual({});
    expect(diff(row(), patch({ value: 1000.5, deadline: '2026-12-02T00:00:00Z', status: 'won' }))).toEqual({
      value: 1000.5,
      deadline: new Date('2026-12-02T00:00:00Z'),
      status: 'won',
    });
    expect(diff(row(), patch({ deadline: null }))).toEqual({ deadline: null });
  });

  it('needs a reason to become lost, and clears it when reopened', () => {
    expect(failure(() => diff(row(), patch({ status: 'lost' }))).message).toBe(
      'lostReason is required to mark an opportunity lost',
    );
    expect(failure(() => diff(row(), patch({ status: 'lost', lostReason: '  ' }))).message).toBe(
      'lostReason must not be blank',
    );
    expect(diff(row(), patch({ status: 'lost', lostReason: ' Precio ' }))).toEqual({
      status: 'lost',
      lostReason: 'Precio',
    });
    const lost = row({ status: 'lost', lost_reason: 'Precio', closed_at: new Date() });
    expect(diff(lost, patch({ lostReason: 'Zona' }))).toEqual({ lostReason: 'Zona' });
    expect(diff(lost, patch({ status: 'pending' }))).toEqual({ status: 'pending', lostReason: null });
    expect(failure(() => diff(row(), patch({ lostReason: 'Precio' }))).message).toBe(
      'lostReason is only for lost opportunities (status is pending)',
    );
    expect(failure(() => diff(row(), patch({ title: ' ' }))).code).toBe('VALIDATION');
  });
});

describe('visibility by role', () => {
  it('ceo and professional see everything, setter and closer what is theirs', () => {
    expect(visibilityOf({ actorRole: 'ceo', actorUserId: SETTER })).toBeNull();
    expect(visibilityOf({ actorRole: 'professional', actorUserId: SETTER })).toBeNull();
    expect(visibilityOf({ actorRole: 'setter', actorUserId: SETTER })).toBe(SETTER);
    expect(visibilityOf({ actorRole: 'closer', actorUserId: SETTER })).toBe(SETTER);
  });

  it('lets setter and closer own opportunities only themselves', () => {
    expect(() => assertMayAssignOwner({ actorRole: 'setter', actorUserId: SETTER }, SETTER)).not.toThrow();
    expect(() => assertMayAssignOwner({ actorRole: 'ceo', actorUserId: SETTER }, null)).not.toThrow();
    const error = failure(() => assertMayAssignOwner({ actorRole: 'closer', actorUserId: SETTER }, null));
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'a closer can only assign opportunities to themselves',
    });
  });
});
