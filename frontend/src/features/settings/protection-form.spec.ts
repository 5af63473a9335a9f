import { describe, expect, it } from 'vitest';
import { protectionChanges, protectionFormOf } from './protection-form';

const view = {
  marketingPerContact: 1,
  capHours: 24,
  sendWindow: null,
  defaultSendWindow: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' },
};

describe('protection form', () => {
  it('starts from the default window when the tenant has none of its own', () => {
    expect(protectionFormOf(view)).toEqual({
      perContact: '1',
      capHours: '24',
      ownWindow: false,
      window: { days: [1, 2, 3, 4, 5, 6], start: '09:00', end: '20:00' },
    });
    const own = { ...view, sendWindow: { days: [0], start: '10:00', end: '14:00' } };
    expect(protectionFormOf(own).ownWindow).toBe(true);
    expect(protectionFormOf(own).window).toEqual({ days: [0], start: '10:00', end: '14:00' });
  });

  it('sends whole numbers and the window with its days in order, or null for the default', () => {
    const form = protectionFormOf(view);
    expect(protectionChanges({ ...form, perContact: ' 2 ', capHours: '48' })).toEqual({
      changes: { marketingPerContact: 2, capHours: 48, sendWindow: null },
    });
    expect(
      protectionChanges({
        ...form,
        ownWindow: true,
        window: { days: [6, 0, 3], start: '22:00', end: '06:00' },
      }),
    ).toEqual({
      changes: {
        marketingPerContact: 1,
        capHours: 24,
        sendWindow: { days: [0, 3, 6], start: '22:00', end: '06:00' },
      },
    });
  });

  it('names each problem: numbers out of range or not whole, an own window without days', () => {
    const form = protectionFormOf(view);
    expect(protectionChanges({ ...form, perContact: '0', capHours: '721' })).toEqual({
      problems: ['perContact', 'capHours'],
    });
    expect(protectionChanges({ ...form, perContact: '1.5', capHours: '' })).toEqual({
      problems: ['perContact', 'capHours'],
    });
    expect(
      protectionChanges({ ...form, ownWindow: true, window: { ...form.window, days: [] } }).problems,
    ).toEqual(['windowDays']);
    expect(protectionChanges({ ...form, window: { ...form.window, days: [] } }).problems).toBeUndefined();
  });
});
