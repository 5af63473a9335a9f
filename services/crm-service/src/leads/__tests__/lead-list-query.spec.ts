import { DomainError } from '@crm/contracts';
import { afterCursorSql, decodeCursor, encodeCursor, filterSql, likePattern } from '../lead-list-query';
import { nextInRotation } from '../round-robin';

const placeholders = () => {
  const params: unknown[] = [];
  return {
    params,
    param: (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
};

describe('lead list query', () => {
  const id = '0b6f4f8e-3c2a-4d7e-9a51-2f0c8d1e7a44';

  it('round-trips a cursor and refuses one of another sort or with bad keys', () => {
    const values = ['2026-06-01T10:00:00.123456Z', id];
    expect(decodeCursor('newest', encodeCursor('newest', values))).toEqual(values);
    expect(() => decodeCursor('name', encodeCursor('newest', values))).toThrow(DomainError);
    expect(() => decodeCursor('newest', encodeCursor('newest', ['2026-06-01T10:00:00Z', id]))).toThrow(
      'cursor is not a nextCursor of this list and sort',
    );
    expect(() => decodeCursor('newest', encodeCursor('newest', [values[0], 'x']))).toThrow(DomainError);
    expect(() => decodeCursor('status', encodeCursor('status', ['1', ...values]))).toThrow(DomainError);
    expect(decodeCursor('status', encodeCursor('status', [1, ...values]))).toEqual([1, ...values]);
    expect(() => decodeCursor('newest', '%%%')).toThrow(DomainError);
    expect(() => decodeCursor('newest', Buffer.from('null').toString('base64url'))).toThrow(DomainError);
  });

  it('compares each sort key in its own direction, ties broken by the next key', () => {
    const { params, param } = placeholders();
    const sql = afterCursorSql('status', [2, '2026-06-01T10:00:00.123456Z', id], param);
    expect(sql).toContain('l.status) > $1::int');
    expect(sql).toContain('l.status) = $1::int AND l.created_at < $2::timestamptz');
    expect(sql).toContain('l.created_at = $2::timestamptz AND l.id < $3::uuid');
    expect(params).toEqual([2, '2026-06-01T10:00:00.123456Z', id]);
    const name = placeholders();
    expect(afterCursorSql('name', ['Ana', id], name.param)).toBe(
      '((l.name > $1::text) OR (l.name = $1::text AND l.id > $2::uuid))',
    );
  });

  it('filters by tenant first, and only leads assigned to a setter or closer viewer', () => {
    const { params, param } = placeholders();
    const sql = filterSql('t-1', { visibleTo: 'u-1', tag: 'vip', search: '55 12-34' }, param);
    expect(sql.startsWith('l.tenant_id = $1 AND l.assigned_user_id = $2')).toBe(true);
    expect(params).toEqual(['t-1', 'u-1', 'vip', '%55 12-34%', '%551234%']);
    expect(likePattern('50%_\\')).toBe('%50\\%\\_\\\\%');
  });
});

describe('round-robin rotation', () => {
  const [a, b, c] = ['1', '2', '3'];

  it('starts with the first, follows the order and wraps around', () => {
    expect(nextInRotation([c, a, b], null)).toBe(a);
    expect(nextInRotation([a, b, c], a)).toBe(b);
    expect(nextInRotation([a, b, c], c)).toBe(a);
  });

  it('skips a setter who left the rotation and answers null without setters', () => {
    expect(nextInRotation([a, c], b)).toBe(c);
    expect(nextInRotation([], a)).toBeNull();
  });
});
