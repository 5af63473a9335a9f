import { randomUUID } from 'node:crypto';
import {
  Events,
  Rpc,
  type WhatsappInboundEvent,
  type WhatsappStatus,
  type WhatsappStatusEvent,
} from '@crm/contracts';
import { waitFor, waitForConsumerIdle } from '@crm/testing';
import { CHAT_STATUS_DURABLE } from '../chats/chats.consumers';
import { callbackDataOf } from '../chats/chat-rules';
import { DURABLES } from '../inbound/inbound.consumers';
import {
  actorOf,
  createLeadFor,
  createTestTenant,
  randomPhone,
  startCrmTestApp,
  type CrmTestApp,
  type TestTenant,
} from './crm-test-app';

/**
 * The chat side of the Meta events, with crm-service in process: inbound messages land in the lead's conversation
 * in the same transaction as the lead, and status events move our outbound messages only forward.
 */
describe('crm-service: WhatsApp chats from JetStream events', () => {
  let crm: CrmTestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    crm = await startCrmTestApp();
    tenant = await createTestTenant(crm.db, 'Chats');
    other = await createTestTenant(crm.db, 'Chats ajenos');
  });

  afterAll(async () => {
    await crm.close();
  });

  const inbound = (from: string, fields: Partial<WhatsappInboundEvent> = {}): WhatsappInboundEvent => ({
    tenantId: tenant.tenantId,
    wamid: `wamid.${randomUUID()}`,
    phoneNumberId: '106540352242922',
    from,
    contactName: 'Lucía Méndez',
    timestamp: new Date().toISOString(),
    text: 'Hola',
    ...fields,
  });

  const conversation = async (tenantId: string, phone: string) =>
    (
      await crm.db.query(
        `SELECT c.unread_count, c.window_ends_at, c.last_inbound_at, c.last_message_preview, l.id AS lead_id
           FROM crm.conversations c JOIN crm.leads l ON l.tenant_id = c.tenant_id AND l.id = c.lead_id
          WHERE l.tenant_id = $1 AND l.phone = $2`,
        [tenantId, phone],
      )
    )[0] as
      | {
          unread_count: number;
          window_ends_at: Date;
          last_inbound_at: Date;
          last_message_preview: string;
          lead_id: string;
        }
      | undefined;

  it('records a message from an unknown number with its new lead, once, and never shortens the window', async () => {
    const phone = randomPhone();
    const at = new Date(Date.now() - 60_000);
    const first = inbound(phone, {
      timestamp: at.toISOString(),
      text: 'Vi su anuncio',
      referral: { sourceId: '120210000000000001', sourceType: 'ad', ctwaClid: 'clid' },
    });
    await crm.jetstream.publish(Events.whatsappInbound, first, first.wamid);
    await crm.jetstream.publish(Events.whatsappInbound, first, `${first.wamid}:again`);
    const row = await waitFor(() => conversation(tenant.tenantId, phone), { what: 'conversation' });
    await waitForConsumerIdle(DURABLES.whatsappInbound);
    const after = (await conversation(tenant.tenantId, phone))!;
    expect(after.unread_count).toBe(1);
    expect(after.window_ends_at.getTime() - at.getTime()).toBe(72 * 3600 * 1000);
    expect(after.last_message_preview).toBe('Vi su anuncio');
    expect(row.lead_id).toEqual(expect.any(String));

    // A plain message later: one more unread, the CTWA window (72 h) is kept rather than cut to 24 h.
    const second = inbound(phone, { text: '¿Precio?' });
    await crm.jetstream.publish(Events.whatsappInbound, second, second.wamid);
    await waitFor(async () => (await conversation(tenant.tenantId, phone))?.unread_count === 2, {
      what: 'second unread',
    });
    const latest = (await conversation(tenant.tenantId, phone))!;
    expect(latest.window_ends_at.getTime()).toBe(after.window_ends_at.getTime());
    expect(latest.last_message_preview).toBe('¿Precio?');

    const thread = await crm.rpc.call(Rpc.crm.listChatMessages, {
      ...actorOf(tenant, 'ceo'),
      leadId: row.lead_id,
    });
    expect(thread.items.map((m) => m.body)).toEqual(['Vi su anuncio', '¿Precio?']);
    expect(thread.chat).toMatchObject({ unreadCount: 2, windowOpen: true });

    // The lead's timeline shows both messages, newest first, paged with the activity entries around them.
    const first2 = await crm.rpc.call(Rpc.crm.leadTimeline, {
      tenantId: tenant.tenantId,
      leadId: row.lead_id,
      limit: 1,
    });
    expect(first2.items).toEqual([
      expect.objectContaining({ kind: 'message_in', message: expect.objectContaining({ text: '¿Precio?' }) }),
    ]);
    const rest = await crm.rpc.call(Rpc.crm.leadTimeline, {
      tenantId: tenant.tenantId,
      leadId: row.lead_id,
      cursor: first2.nextCursor!,
      limit: 50,
    });
    const kinds = rest.items.map((entry) => entry.kind);
    expect(kinds).toContain('created');
    expect(rest.items.filter((entry) => entry.kind === 'message_in')).toEqual([
      expect.objectContaining({ message: expect.objectContaining({ text: 'Vi su anuncio', status: null }) }),
    ]);
  });

  it('moves an outbound message only forward; failed keeps the error; unknown wamids change nothing', async () => {
    const lead = await createLeadFor(crm, tenant, 'setter');
    const messageId = randomUUID();
    const wamid = `wamid.${randomUUID()}`;
    await crm.db.query(
      `INSERT INTO crm.messages (id, tenant_id, lead_id, direction, type, body, status, sent_by_user_id)
       VALUES ($1, $2, $3, 'out', 'text', 'Hola', 'queued', $4)`,
      [messageId, tenant.tenantId, lead.id, tenant.users.setter.id],
    );
    const status = (
      status: WhatsappStatus,
      fields: Partial<WhatsappStatusEvent> = {},
    ): WhatsappStatusEvent => ({
      tenantId: tenant.tenantId,
      wamid,
      status,
      timestamp: new Date().toISOString(),
      recipientId: lead.phone.slice(1),
      ...fields,
    });
    const current = async () =>
      (
        await crm.db.query(`SELECT status, wamid, error_code, error_title FROM crm.messages WHERE id = $1`, [
          messageId,
        ])
      )[0] as { status: string; wamid: string | null; error_code: number | null; error_title: string | null };
    const publish = async (event: WhatsappStatusEvent) => {
      await crm.jetstream.publish(Events.whatsappStatus, event, randomUUID());
      await waitForConsumerIdle(CHAT_STATUS_DURABLE);
    };

    // `sent` beats the stored wamid: found by our callback data, and the wamid is kept.
    await publish(status('sent', { callbackData: callbackDataOf(messageId) }));
    expect(await current()).toMatchObject({ status: 'sent', wamid });
    await publish(status('read'));
    expect((await current()).status).toBe('read');
    await publish(status('delivered'));
    expect((await current()).status).toBe('read');
    await publish(status('failed', { errors: [{ code: 131026, title: 'Message undeliverable' }] }));
    expect((await current()).status).toBe('read');

    // Another tenant's event with this wamid, and a wamid nobody sent, change nothing.
    await publish(status('failed', { tenantId: other.tenantId }));
    await publish(status('delivered', { wamid: `wamid.${randomUUID()}` }));
    expect((await current()).status).toBe('read');

    const failing = randomUUID();
    const failingWamid = `wamid.${randomUUID()}`;
    await crm.db.query(
      `INSERT INTO crm.messages (id, tenant_id, lead_id, direction, wamid, type, body, status)
       VALUES ($1, $2, $3, 'out', $4, 'text', 'Hola', 'sent')`,
      [failing, tenant.tenantId, lead.id, failingWamid],
    );
    await publish(
      status('failed', { wamid: failingWamid, errors: [{ code: 131026, title: 'Message undeliverable' }] }),
    );
    await publish(status('read', { wamid: failingWamid }));
    const failed = (
      await crm.db.query(`SELECT status, error_code, error_title FROM crm.messages WHERE id = $1`, [failing])
    )[0] as { status: string; error_code: number; error_title: string };
    expect(failed).toEqual({ status: 'failed', error_code: 131026, error_title: 'Message undeliverable' });
  });
});
