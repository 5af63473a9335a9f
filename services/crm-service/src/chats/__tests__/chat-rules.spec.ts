import { DomainError } from '@crm/contracts';
import {
  advances,
  callbackDataOf,
  decodeKeyset,
  encodeKeyset,
  isAnotherSendersStatus,
  messageIdOfCallback,
  previewOf,
  windowEndsAt,
} from '../chat-rules';

describe('chat rules', () => {
  it('opens a 24 h window after a message, 72 h after a Click-to-WhatsApp ad message', () => {
    const at = new Date('2026-11-26T10:00:00.000Z');
    expect(windowEndsAt(at, false).toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(windowEndsAt(at, true).toISOString()).toBe('2026-11-29T10:00:00.000Z');
  });

  it('moves a status only forward; failed is final and never replaces read', () => {
    expect(advances('queued', 'sent')).toBe(true);
    expect(advances('sent', 'read')).toBe(true);
    expect(advances('read', 'delivered')).toBe(false);
    expect(advances('delivered', 'delivered')).toBe(false);
    expect(advances('sent', 'failed')).toBe(true);
    expect(advances('read', 'failed')).toBe(false);
    expect(advances('failed', 'read')).toBe(false);
    expect(advances('unknown', 'delivered')).toBe(true);
  });

  it('ties callback data to our message ids only', () => {
    const id = '3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f';
    expect(messageIdOfCallback(callbackDataOf(id))).toBe(id);
    expect(messageIdOfCallback('automation:lead_followup:x')).toBeNull();
    expect(messageIdOfCallback('crm-msg:not-a-uuid')).toBeNull();
    expect(messageIdOfCallback(undefined)).toBeNull();
  });

  it("skips statuses of another sender's messages, never those that may be ours", () => {
    expect(isAnotherSendersStatus('automation:6a1f0c52-3f1e-4b0e-9f61-0d8a2b7c9e10')).toBe(true);
    expect(isAnotherSendersStatus(callbackDataOf('3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f'))).toBe(false);
    expect(isAnotherSendersStatus('crm-msg:not-a-uuid')).toBe(false);
    expect(isAnotherSendersStatus(undefined)).toBe(false);
    expect(isAnotherSendersStatus('')).toBe(false);
  });

  it('round-trips a keyset cursor and refuses a forged one', () => {
    const position = { at: '2026-11-26T10:00:00.123456Z', id: '3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f' };
    expect(decodeKeyset(encodeKeyset(position), 'cursor')).toEqual(position);
    expect(() => decodeKeyset('bm90LWpzb24', 'cursor')).toThrow(DomainError);
    expect(() =>
      decodeKeyset(Buffer.from(JSON.stringify(['yesterday', position.id])).toString('base64url'), 'cursor'),
    ).toThrow(/not a cursor/);
  });

  it('previews a message on one line, cut at 120 characters', () => {
    expect(previewOf('Hola\n\n  ¿sigue disponible?')).toBe('Hola ¿sigue disponible?');
    const long = previewOf('a'.repeat(300));
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });
});
