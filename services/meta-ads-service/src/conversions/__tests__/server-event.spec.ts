import { createHash } from 'node:crypto';
import type { ConversionSettingsView } from '@crm/contracts';
import { hashedEmail, hashedPhone, planConversion, type AttributedLead } from '../server-event';

const TENANT = '6f1c2b9e-0000-4000-8000-000000000001';
const LEAD = '6f1c2b9e-0000-4000-8000-0000000000aa';
const sha = (v: string) => createHash('sha256').update(v).digest('hex');
const on: ConversionSettingsView = {
  enabled: true,
  datasetId: '8123456789012345',
  qualifiedEvent: 'QualifiedLead',
  opportunityEvent: null,
  wonEvent: 'Purchase',
  updatedAt: null,
};
const ctwaLead: AttributedLead = {
  id: LEAD,
  phone: '+5215512340001',
  email: null,
  ctwaClid: 'ARAkLkA8rmlFeiCk',
  metaLeadgenId: null,
};
const at = new Date('2026-01-10T18:00:00Z');

describe('planConversion', () => {
  it('a Click-to-WhatsApp lead won with a sale → Purchase as a business messaging event with value and currency', () => {
    const planned = planConversion(TENANT, on, ctwaLead, {
      point: 'won',
      occurredAt: at,
      value: 1500.5,
      currency: 'mxn',
    });
    expect(planned).toEqual({
      eventName: 'Purchase',
      eventId: `crm:${TENANT}:${LEAD}:Purchase`,
      keyedBy: 'ctwa_clid',
      serverEvent: {
        event_name: 'Purchase',
        event_time: at.getTime() / 1000,
        event_id: `crm:${TENANT}:${LEAD}:Purchase`,
        action_source: 'business_messaging',
        messaging_channel: 'whatsapp',
        user_data: { ctwa_clid: 'ARAkLkA8rmlFeiCk', ph: [sha('5215512340001')] },
        custom_data: { value: 1500.5, currency: 'MXN' },
      },
    });
  });

  it('a Lead Ads lead qualified → QualifiedLead as a CRM event keyed by lead_id', () => {
    const planned = planConversion(
      TENANT,
      on,
      { ...ctwaLead, ctwaClid: null, metaLeadgenId: '900000000000123', email: ' Rosa@Example.COM ' },
      { point: 'qualified', occurredAt: at },
    );
    expect(planned?.serverEvent).toEqual({
      event_name: 'QualifiedLead',
      event_time: at.getTime() / 1000,
      event_id: `crm:${TENANT}:${LEAD}:QualifiedLead`,
      action_source: 'system_generated',
      user_data: { lead_id: '900000000000123', ph: [sha('5215512340001')], em: [sha('rosa@example.com')] },
      custom_data: { event_source: 'crm', lead_event_source: 'CRM Ventas' },
    });
  });

  it('sends nothing when off, without a dataset, for an unmapped point, or for a lead not keyed to Meta', () => {
    const won = { point: 'won' as const, occurredAt: at, value: 10, currency: 'MXN' };
    expect(planConversion(TENANT, { ...on, enabled: false }, ctwaLead, won)).toBeNull();
    expect(planConversion(TENANT, { ...on, datasetId: null }, ctwaLead, won)).toBeNull();
    expect(planConversion(TENANT, on, ctwaLead, { point: 'opportunity', occurredAt: at })).toBeNull();
    expect(planConversion(TENANT, on, { ...ctwaLead, ctwaClid: null }, won)).toBeNull();
  });

  it('normalises before hashing and leaves out what cannot be a phone or an email', () => {
    expect(hashedPhone('+52 1 55 1234 0001')).toBe(sha('5215512340001'));
    expect(hashedPhone('12')).toBeUndefined();
    expect(hashedEmail('no-at-sign')).toBeUndefined();
    expect(hashedEmail(null)).toBeUndefined();
  });
});
