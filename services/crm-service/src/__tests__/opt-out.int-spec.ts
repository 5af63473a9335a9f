import { randomUUID } from 'node:crypto';
import {
  DomainError,
  Events,
  Rpc,
  type LeadOptedOutEvent,
  type LeadView,
  type TimelineEntry,
  type WhatsappInboundEvent,
} from '@crm/contracts';
import { waitFor, waitForConsumerIdle } from '@crm/testing';
import { DURABLES } from '../inbound/inbound.consumers';
import {
  collectEvents,
  createTestTenant,
  randomPhone,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

/** Opt-out by keyword (configurable per tenant), by a quick-reply button, and by hand; `lead.opted-out` each time. */
describe('crm-service: recipient opt-out', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let optedOut: LeadOptedOutEvent[];

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Opt-out');
    optedOut = await collectEvents(crm.jetstream, Events.leadOptedOut, tenant.tenantId);
  });

  afterAll(async () => {
    await crm.close();
  });

  function inbound(fields: Partial<WhatsappInboundEvent> & { from: string }): WhatsappInboundEvent {
    return {
      tenantId: tenant.tenantId,
      wamid: `wamid.${randomUUID()}`,
      phoneNumberId: '106540352242922',
      timestamp: new Date().toISOString(),
      ...fields,
    };
  }

  async function receive(event: WhatsappInboundEvent): Promise<void> {
    await crm.jetstream.publish(Events.whatsappInbound, event, randomUUID());
    await waitForConsumerIdle(DURABLES.whatsappInbound);
  }

  async function leadOf(phone: string): Promise<LeadView> {
    const page = await crm.rpc.call(Rpc.crm.listLeads, { tenantId: tenant.tenantId, search: phone });
    const lead = page.items.find((l) => l.phone === phone);
    if (!lead) throw new Error(`no lead with ${phone}`);
    return lead;
  }

  async function optOutEntries(leadId: string): Promise<TimelineEntry[]> {
    const page = await crm.rpc.call(Rpc.crm.leadTimeline, { tenantId: tenant.tenantId, leadId });
    return page.items.filter((e) => e.kind === 'opted_out' || e.kind === 'opted_in');
  }

  const eventsFor = (leadId: string) => optedOut.filter((e) => e.leadId === leadId);

  it('a BAJA reply opts the contact out, records how, and publishes lead.opted-out once', async () => {
    const phone = randomPhone();
    await receive(inbound({ from: phone, text: 'Hola, quiero info' }));
    const lead = await leadOf(phone);
    expect(lead.optedOut).toBe(false);

    await receive(inbound({ from: phone, text: ' Bája. ' }));
    expect((await leadOf(phone)).optedOut).toBe(true);
    await waitFor(() => eventsFor(lead.id).length === 1, { what: 'lead.opted-out' });
    expect(eventsFor(lead.id)[0]).toMatchObject({ leadId: lead.id, phone, source: 'keyword' });
    expect(await optOutEntries(lead.id)).toMatchObject([
      { kind: 'opted_out', optOut: { source: 'keyword', text: ' Bája. ' }, actorUserId: null },
    ]);

    // Saying it again changes nothing and publishes nothing more.
    await receive(inbound({ from: phone, text: 'STOP' }));
    expect(await optOutEntries(lead.id)).toHaveLength(1);
    expect(eventsFor(lead.id)).toHaveLength(1);
  });

  it('a tapped opt-out quick-reply button opts out (payload or text); other buttons and typed button texts do not', async () => {
    const phone = randomPhone();
    await receive(inbound({ from: phone, text: 'Stop promotions' })); // typed, not a button: not a keyword
    const lead = await leadOf(phone);
    expect(lead.optedOut).toBe(false);
    await receive(
      inbound({
        from: phone,
        text: 'Me interesa',
        buttonReply: { kind: 'button', payload: 'INTERESTED', text: 'Me interesa' },
      }),
    );
    expect((await leadOf(phone)).optedOut).toBe(false);

    await receive(
      inbound({
        from: phone,
        text: 'Stop promotions',
        buttonReply: { kind: 'button', payload: 'STOP_PROMOTIONS', text: 'Stop promotions' },
      }),
    );
    expect((await leadOf(phone)).optedOut).toBe(true);
    await waitFor(() => eventsFor(lead.id).length === 1, { what: 'lead.opted-out' });
    expect(eventsFor(lead.id)[0].source).toBe('button');

    const other = randomPhone();
    await receive(
      inbound({
        from: other,
        text: 'No, gracias',
        buttonReply: { kind: 'interactive', payload: 'baja', text: 'No, gracias' },
      }),
    );
    expect((await leadOf(other)).optedOut).toBe(true);
  });

  it('keywords are configurable per tenant (case and accents ignored); the settings come back with the tenant', async () => {
    const own = await createTestTenant(crm.db, 'Palabras propias');
    const defaults = await crm.rpc.call(Rpc.crm.getTenant, { tenantId: own.tenantId });
    expect(defaults.optOutKeywords).toEqual(['STOP', 'BAJA', 'CANCELAR']);
    expect(defaults.optOutButtonTexts).toContain('Stop promotions');

    const updated = await crm.rpc.call(Rpc.crm.updateTenant, {
      tenantId: own.tenantId,
      optOutKeywords: [' Alto ', 'ALTO', 'No más'],
    });
    expect(updated.optOutKeywords).toEqual(['Alto', 'No más']);
    expect(updated.optOutButtonTexts).toEqual(defaults.optOutButtonTexts);

    const phone = randomPhone();
    const send = (text: string) =>
      crm.jetstream.publish(
        Events.whatsappInbound,
        { ...inbound({ from: phone, text }), tenantId: own.tenantId },
        randomUUID(),
      );
    await send('BAJA'); // no longer a keyword of this tenant
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    const row = async () =>
      (
        (await crm.db.query(`SELECT opted_out FROM crm.leads WHERE tenant_id = $1 AND phone = $2`, [
          own.tenantId,
          phone,
        ])) as { opted_out: boolean }[]
      )[0];
    expect((await row()).opted_out).toBe(false);
    await send('no mas!');
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    expect((await row()).opted_out).toBe(true);

    await expect(
      crm.rpc.callInvalid(Rpc.crm.updateTenant, { tenantId: own.tenantId, optOutKeywords: ['x'.repeat(41)] }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('by hand: the lead’s seller or a ceo opts out (event, history) and back in (history only); other sellers cannot', async () => {
    const lead = await crm.rpc.call(Rpc.crm.createLead, {
      tenantId: tenant.tenantId,
      name: 'Marta Ruiz',
      phone: randomPhone(),
      leadSource: 'MANUAL',
      assignedUserId: tenant.users.setter.id,
    });
    expect(lead.assignedUserId).toBe(tenant.users.setter.id);

    // A closer does not see this lead: 404, nothing changed.
    const asCloser = crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: lead.id,
      optedOut: true,
      viewer: { userId: tenant.users.closer.id, role: 'closer' },
    });
    await expect(asCloser).rejects.toBeInstanceOf(DomainError);
    await expect(asCloser).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const out = await crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: lead.id,
      optedOut: true,
      viewer: { userId: tenant.users.setter.id, role: 'setter' },
    });
    expect(out.optedOut).toBe(true);
    await waitFor(() => eventsFor(lead.id).length === 1, { what: 'lead.opted-out' });
    expect(eventsFor(lead.id)[0]).toMatchObject({ source: 'manual', phone: lead.phone });

    const back = await crm.rpc.call(Rpc.crm.updateLead, {
      tenantId: tenant.tenantId,
      leadId: lead.id,
      optedOut: false,
      viewer: { userId: tenant.users.ceo.id, role: 'ceo' },
    });
    expect(back.optedOut).toBe(false);
    const entries = await optOutEntries(lead.id);
    expect(entries.map((e) => [e.kind, e.actorUserId])).toEqual([
      ['opted_in', tenant.users.ceo.id],
      ['opted_out', tenant.users.setter.id],
    ]);
    expect(eventsFor(lead.id)).toHaveLength(1);
  });
});
