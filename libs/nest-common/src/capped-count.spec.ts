import { LIST_TOTAL_CAP, MAX_PAGING_ROWS } from '@crm/contracts';
import { cappedCountSql, cappedTotal } from './capped-count';

describe('capped counts', () => {
  it('counts at most one row past the cap, then stops', () => {
    expect(cappedCountSql('crm.leads l WHERE l.tenant_id = $1')).toBe(
      `SELECT count(*)::int AS total FROM (SELECT FROM crm.leads l WHERE l.tenant_id = $1 LIMIT ${MAX_PAGING_ROWS + 1}) capped`,
    );
    expect(cappedCountSql('clients', 3)).toBe(
      'SELECT count(*)::int AS total FROM (SELECT FROM clients LIMIT 4) capped',
    );
  });

  it('refuses a cap that is not a whole number ≥ 0 (it is spliced into the SQL)', () => {
    expect(() => cappedCountSql('t', -1)).toThrow(RangeError);
    expect(() => cappedCountSql('t', 1.5)).toThrow(RangeError);
  });

  it('is exact up to the cap and flags what lies beyond it', () => {
    expect(LIST_TOTAL_CAP).toBe(MAX_PAGING_ROWS);
    expect([0, 7, LIST_TOTAL_CAP, LIST_TOTAL_CAP + 1].map((n) => cappedTotal(n))).toEqual([
      { total: 0, totalCapped: false },
      { total: 7, totalCapped: false },
      { total: LIST_TOTAL_CAP, totalCapped: false },
      { total: LIST_TOTAL_CAP, totalCapped: true },
    ]);
    expect(cappedTotal(4, 3)).toEqual({ total: 3, totalCapped: true });
  });
});
