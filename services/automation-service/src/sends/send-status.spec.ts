import { SEND_STATUSES, type SendStatus } from '@crm/contracts';
import { nextStatus, revives, timestampsFor, type DeliveryUpdate } from './send-status';

describe('send status state machine', () => {
  it('moves forward along sending < sent < delivered < read < replied', () => {
    expect(nextStatus('sending', 'sent')).toBe('sent');
    expect(nextStatus('sent', 'delivered')).toBe('delivered');
    expect(nextStatus('delivered', 'read')).toBe('read');
    expect(nextStatus('read', 'replied')).toBe('replied');
  });

  it('may skip steps: read without delivered, delivered without sent', () => {
    expect(nextStatus('sent', 'read')).toBe('read');
    expect(nextStatus('sending', 'delivered')).toBe('delivered');
    expect(nextStatus('sending', 'read')).toBe('read');
  });

  it('never moves backwards and ignores duplicates', () => {
    expect(nextStatus('read', 'delivered')).toBeNull();
    expect(nextStatus('read', 'sent')).toBeNull();
    expect(nextStatus('delivered', 'sent')).toBeNull();
    expect(nextStatus('delivered', 'delivered')).toBeNull();
    expect(nextStatus('replied', 'read')).toBeNull();
    expect(nextStatus('replied', 'replied')).toBeNull();
  });

  it('fails only from sending, sent or delivered', () => {
    expect(nextStatus('sending', 'failed')).toBe('failed');
    expect(nextStatus('sent', 'failed')).toBe('failed');
    expect(nextStatus('delivered', 'failed')).toBe('failed');
    expect(nextStatus('read', 'failed')).toBeNull();
    expect(nextStatus('replied', 'failed')).toBeNull();
    expect(nextStatus('failed', 'failed')).toBeNull();
    expect(nextStatus('skipped', 'failed')).toBeNull();
    expect(nextStatus('scheduled', 'failed')).toBeNull();
  });

  it('treats failed and skipped as final', () => {
    const updates: DeliveryUpdate[] = ['sent', 'delivered', 'read', 'replied', 'failed'];
    for (const update of updates) {
      expect(nextStatus('failed', update)).toBeNull();
      expect(nextStatus('skipped', update)).toBeNull();
    }
  });

  it('is monotonic for every pair: an applied update never lowers the rank', () => {
    const progress: SendStatus[] = ['scheduled', 'sending', 'sent', 'delivered', 'read', 'replied'];
    for (const current of SEND_STATUSES) {
      for (const update of ['sent', 'delivered', 'read', 'replied'] as DeliveryUpdate[]) {
        const next = nextStatus(current, update);
        if (next !== null) expect(progress.indexOf(next)).toBeGreaterThan(progress.indexOf(current));
      }
    }
  });

  it('fills the timestamps a later state implies', () => {
    expect(timestampsFor('sent')).toEqual(['sent_at']);
    expect(timestampsFor('delivered')).toEqual(['sent_at', 'delivered_at']);
    expect(timestampsFor('read')).toEqual(['sent_at', 'delivered_at', 'read_at']);
    expect(timestampsFor('replied')).toContain('replied_at');
    expect(timestampsFor('failed')).toEqual(['failed_at']);
  });
});

describe('revival of unknown and failed sends (issue 7)', () => {
  it('any status webhook settles an unknown send', () => {
    for (const update of ['sent', 'delivered', 'read', 'replied', 'failed'] as const) {
      expect(revives('unknown', null, update)).toBe(true);
    }
    expect(nextStatus('sending', 'failed')).toBe('failed');
  });

  it('a failed send moves on when delivered or read, or sent when it failed on our side (no wamid)', () => {
    expect(revives('failed', 'wamid.X', 'delivered')).toBe(true);
    expect(revives('failed', 'wamid.X', 'read')).toBe(true);
    expect(revives('failed', null, 'sent')).toBe(true);
    // Meta's own `failed` came after `sent`: a late, reordered `sent` changes nothing.
    expect(revives('failed', 'wamid.X', 'sent')).toBe(false);
    expect(revives('failed', null, 'failed')).toBe(false);
    expect(revives('read', 'wamid.X', 'delivered')).toBe(false);
    expect(revives('skipped', null, 'read')).toBe(false);
  });
});
