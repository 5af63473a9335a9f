import { claimKey, toLiveEvent } from './send-event-listener';

describe('toLiveEvent', () => {
  const payload = {
    id: '42',
    tenantId: '8f0e8a5e-4a8e-4c38-9d7e-0a6c2f1e2b11',
    sendId: '0b1f7c1e-1d5e-4c33-8e61-5e0c2f6f3a10',
    ruleKey: 'lead_followup',
    leadId: '5c7b0a2e-9f3d-4a51-8e2a-7d1c3b4a5f60',
    status: 'delivered',
    at: '2026-03-02T15:00:00.123456+00:00',
    detail: null,
  };

  it('turns the NOTIFY payload into the live event with an ISO instant', () => {
    expect(toLiveEvent(JSON.stringify(payload))).toEqual({
      eventId: '42',
      tenantId: payload.tenantId,
      sendId: payload.sendId,
      ruleKey: 'lead_followup',
      leadId: payload.leadId,
      status: 'delivered',
      at: '2026-03-02T15:00:00.123Z',
      detail: null,
    });
  });

  it('ignores what is not a send event', () => {
    expect(toLiveEvent(undefined)).toBeNull();
    expect(toLiveEvent('not json')).toBeNull();
    expect(toLiveEvent(JSON.stringify({ ...payload, status: 'exploded' }))).toBeNull();
    expect(toLiveEvent(JSON.stringify({ ...payload, tenantId: undefined }))).toBeNull();
  });

  it('claims per tenant and event, so two databases with the same ids never share a claim', () => {
    const event = { tenantId: 'a', eventId: '1', sendId: 's1', at: '2026-11-27T10:00:00.000Z' };
    expect(claimKey(event)).toBe(claimKey({ ...event }));
    expect(claimKey(event)).not.toBe(claimKey({ ...event, tenantId: 'b' }));
    // A fresh database (a test run, a restored backup) numbers its events from 1 again.
    expect(claimKey(event)).not.toBe(claimKey({ ...event, sendId: 's2' }));
    expect(claimKey(event)).not.toBe(claimKey({ ...event, at: '2026-11-27T10:00:00.001Z' }));
  });
});
