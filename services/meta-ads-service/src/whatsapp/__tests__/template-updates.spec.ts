import { applyUpdate, type TemplateState, type TemplateWebhookUpdate } from '../template-updates';

const row = (overrides: Partial<TemplateState> = {}): TemplateState => ({
  tenantId: '00000000-0000-4000-8000-000000000001',
  templateId: '1',
  name: 'promo',
  language: 'es',
  status: 'APPROVED',
  category: 'MARKETING',
  previousCategory: null,
  qualityScore: 'GREEN',
  qualityUpdatedAt: new Date('2026-01-01T00:00:00Z'),
  reason: null,
  rejectionInfo: null,
  statusUpdatedAt: new Date('2026-01-01T00:00:00Z'),
  ...overrides,
});

const status = (
  event: string,
  at: string,
  extra: Partial<Extract<TemplateWebhookUpdate, { kind: 'status' }>> = {},
) =>
  ({
    kind: 'status',
    event,
    at: new Date(at),
    reason: null,
    rejectionInfo: null,
    otherInfo: null,
    ...extra,
  }) as TemplateWebhookUpdate;

describe('template webhook updates', () => {
  it('applies a newer status with its reason and rejection_info', () => {
    const next = applyUpdate(
      row(),
      status('REJECTED', '2026-01-02T00:00:00Z', {
        reason: 'PROMOTIONAL',
        rejectionInfo: { reason: 'Promotional', recommendation: 'Use MARKETING' },
      }),
    );
    expect(next).toMatchObject({
      status: 'REJECTED',
      reason: 'PROMOTIONAL',
      rejectionInfo: { reason: 'Promotional', recommendation: 'Use MARKETING' },
      statusUpdatedAt: new Date('2026-01-02T00:00:00Z'),
    });
  });

  it('ignores an update older than the stored one, applies an equal time, skips what changes nothing', () => {
    expect(applyUpdate(row(), status('PAUSED', '2025-12-31T23:59:59Z'))).toBe('stale');
    expect(applyUpdate(row(), status('PAUSED', '2026-01-01T00:00:00Z'))).toMatchObject({ status: 'PAUSED' });
    expect(applyUpdate(row(), status('APPROVED', '2026-01-03T00:00:00Z', { reason: 'NONE' }))).toBe(
      'unchanged',
    );
    expect(
      applyUpdate(row({ statusUpdatedAt: null }), status('PAUSED', '2020-01-01T00:00:00Z')),
    ).toMatchObject({
      status: 'PAUSED',
    });
  });

  it('maps REINSTATED to APPROVED, keeps the status on FLAGGED, takes other_info as the reason', () => {
    expect(
      applyUpdate(row({ status: 'PAUSED' }), status('REINSTATED', '2026-01-02T00:00:00Z')),
    ).toMatchObject({
      status: 'APPROVED',
    });
    expect(
      applyUpdate(
        row(),
        status('FLAGGED', '2026-01-02T00:00:00Z', { otherInfo: { title: 'FIRST_PAUSE', description: null } }),
      ),
    ).toMatchObject({ status: 'APPROVED', reason: 'FIRST_PAUSE' });
  });

  it('orders quality updates on their own clock', () => {
    const quality = (score: string, at: string) =>
      ({ kind: 'quality', score, at: new Date(at) }) as TemplateWebhookUpdate;
    expect(applyUpdate(row(), quality('RED', '2025-06-01T00:00:00Z'))).toBe('stale');
    expect(applyUpdate(row(), quality('GREEN', '2026-02-01T00:00:00Z'))).toBe('unchanged');
    expect(applyUpdate(row(), quality('YELLOW', '2026-02-01T00:00:00Z'))).toMatchObject({
      qualityScore: 'YELLOW',
      status: 'APPROVED',
    });
  });

  it('records a category change', () => {
    expect(
      applyUpdate(row({ category: 'UTILITY' }), {
        kind: 'category',
        newCategory: 'MARKETING',
        previousCategory: 'UTILITY',
        at: new Date('2026-01-05T00:00:00Z'),
      }),
    ).toMatchObject({ category: 'MARKETING', previousCategory: 'UTILITY' });
  });
});
