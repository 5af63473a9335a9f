import { callbackDataFor, sendIdFromCallback } from './sends.service';

describe('automation callback data', () => {
  it('round-trips a send id', () => {
    const id = '3f1c2a4e-8b7d-4c1e-9a2b-1234567890ab';
    expect(sendIdFromCallback(callbackDataFor(id))).toBe(id);
  });

  it('ignores callback data that is not ours or not a uuid', () => {
    expect(sendIdFromCallback(undefined)).toBeNull();
    expect(sendIdFromCallback('crm-msg-42')).toBeNull();
    expect(sendIdFromCallback('automation:not-a-uuid')).toBeNull();
    expect(sendIdFromCallback("automation:1' OR 1=1")).toBeNull();
  });
});
