import type { AutomationLogView, LeadView } from '@crm/contracts';
import { adNamesOf, hsmEntryOf, hsmPage } from './lead-360.service';

const send = (fields: Partial<AutomationLogView>): AutomationLogView => ({
  id: 's1',
  ruleKey: 'lead_followup',
  leadId: 'l1',
  leadName: 'Ana',
  phone: '+5215512345678',
  templateName: 'seguimiento_lead',
  templateLanguage: 'es',
  status: 'sent',
  wamid: null,
  error: null,
  scheduledFor: '2026-11-12T16:00:00.000Z',
  sentAt: '2026-11-12T16:00:05.000Z',
  deliveredAt: null,
  readAt: null,
  repliedAt: null,
  history: [],
  ...fields,
});

describe('lead 360 in the gateway', () => {
  it('shows a send once it went out, with WhatsApp status words', () => {
    expect(hsmEntryOf(send({ status: 'scheduled', sentAt: null }))).toBeNull();
    expect(hsmEntryOf(send({ status: 'skipped', sentAt: null }))).toBeNull();
    expect(hsmEntryOf(send({ status: 'replied' }))).toMatchObject({
      id: 'hsm:s1',
      kind: 'hsm_sent',
      at: '2026-11-12T16:00:05.000Z',
      hsm: { status: 'read', templateName: 'seguimiento_lead' },
    });
    expect(hsmEntryOf(send({ status: 'sending', sentAt: null }))).toMatchObject({
      at: '2026-11-12T16:00:00.000Z',
      hsm: { status: 'unknown' },
    });
    const failed = hsmEntryOf(
      send({
        status: 'failed',
        sentAt: null,
        error: { code: '131026', message: 'Message undeliverable' },
        history: [{ status: 'failed', at: '2026-11-12T16:01:00.000Z', detail: null }],
      }),
    );
    expect(failed).toMatchObject({
      at: '2026-11-12T16:01:00.000Z',
      hsm: { status: 'failed', error: 'Message undeliverable' },
    });
  });

  it('pages HSM entries after the cursor', () => {
    const sends = [send({ id: 'b', sentAt: '2026-11-13T00:00:00.000Z' }), send({ id: 'a' })];
    expect(hsmPage(sends, undefined, 1)).toMatchObject({ items: [{ id: 'hsm:b' }], hasMore: true });
    expect(hsmPage(sends, { at: '2026-11-13T00:00:00.000Z', id: 'hsm:b' }, 1)).toMatchObject({
      items: [{ id: 'hsm:a' }],
      hasMore: false,
    });
  });

  it('names a lead’s ad from the catalogue, ids only when the ad is unknown, null without an ad', () => {
    const lead = { metaAdId: '11', metaAdsetId: '22', metaCampaignId: '33' } as LeadView;
    expect(adNamesOf(lead, { adId: '11', known: false })).toEqual({
      adId: '11',
      adName: null,
      adsetId: '22',
      adsetName: null,
      campaignId: '33',
      campaignName: null,
    });
    expect(adNamesOf({ ...lead, metaAdId: null }, undefined)).toBeNull();
  });
});
