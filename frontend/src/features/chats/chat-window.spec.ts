import { describe, expect, it } from 'vitest';
import { fillTemplate, hoursLeft } from './chat-window';

describe('chat window', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');

  it('counts whole hours left, rounded up, and 0 once closed', () => {
    expect(hoursLeft('2026-11-26T14:10:00Z', now)).toBe(5);
    expect(hoursLeft('2026-11-26T10:20:00Z', now)).toBe(1);
    expect(hoursLeft('2026-11-26T09:59:00Z', now)).toBe(0);
    expect(hoursLeft(null, now)).toBe(0);
  });

  it('fills template placeholders in order and keeps the blank ones', () => {
    expect(fillTemplate('Hola {{1}}, soy {{2}}.', ['María', ' '])).toBe('Hola María, soy {{2}}.');
  });
});
