import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type {
  ChatMessageView,
  ChatPage,
  ChatThread,
  LeadWithPhone,
  Role,
  TemplateView,
} from '@crm/contracts';
import { createSandbox, idsOf, type ListeningSandbox, type SandboxIds } from '@crm/meta-sandbox';
import {
  RpcTestClient,
  connectTenantToSandbox,
  freePort,
  rpcError,
  startServiceProcess,
  waitFor,
  type ServiceHandle,
} from '@crm/testing';
import type { Client } from 'pg';
import { Rpc } from '@crm/contracts';
import {
  ROLES,
  TEST_PASSWORD,
  connectDatabase,
  seedLead,
  seedTenant,
  startTestGateway,
  type SeededTenant,
  type TestGateway,
} from './gateway-test-support';

// The beforeAll, without a timeout of its own, starts the gateway, then two service processes given 90 s to start.
jest.setTimeout(120_000);

const APP_SECRET = 'gateway-chats-app-secret';
const HOUR_MS = 3600 * 1000;

type Agent = ReturnType<typeof request.agent>;
type SandboxMessage = {
  wamid: string;
  to: string;
  type: string;
  text?: string;
  template?: { name: string; params: string[] };
  statuses: { status: string; delivered: boolean | null }[];
};

/**
 * The WhatsApp inbox end to end with real processes, PostgreSQL and NATS: the sandbox posts signed webhooks to the
 * gateway → meta-ads-service → crm-service; replies go gateway → crm-service → meta-ads-service → the sandbox.
 */
describe('gateway: WhatsApp chats (crm-service, meta-ads-service and the Meta sandbox)', () => {
  let sandbox: ListeningSandbox;
  let ids: SandboxIds;
  let gateway: TestGateway;
  let crm: ServiceHandle;
  let meta: ServiceHandle;
  let rpc: RpcTestClient;
  let db: Client;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const agents = {} as Record<Role, Agent>;
  let outsider: Agent;

  const control = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const messagesTo = async (phone: string) =>
    (await control<{ data: SandboxMessage[] }>(`/messages?to=${encodeURIComponent(phone.replace('+', ''))}`))
      .data;
  const randomWaId = () => `52155${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

  /** The contact writes to the business; resolves once their lead's conversation is listed. */
  async function contactWrites(text: string, extra: Record<string, unknown> = {}) {
    const waId = randomWaId();
    await control(extra.adId ? '/ctwa' : '/reply', { from: waId, name: 'Rosa Contacto', text, ...extra });
    const phone = `+${waId}`;
    const chat = await waitFor(
      async () => {
        const page = (await agents.ceo.get('/crm/chats').expect(200)).body as ChatPage;
        return page.items.find((item) => item.phone === phone);
      },
      { what: `conversation of ${phone}`, timeoutMs: 30_000, intervalMs: 200 },
    );
    return { phone, chat };
  }

  const thread = async (agent: Agent, leadId: string) =>
    (await agent.get(`/crm/chats/${leadId}/messages`).expect(200)).body as ChatThread;

  beforeAll(async () => {
    db = await connectDatabase();
    gateway = await startTestGateway({ META_APP_SECRET: APP_SECRET });
    const created = createSandbox({
      seed: `gateway-chats-${randomUUID()}`,
      appSecret: APP_SECRET,
      statusDelayMs: 100,
      webhookUrl: `${gateway.baseUrl}/webhooks/meta`,
    });
    sandbox = await created.listen(0);
    ids = idsOf(created.state.dataset);
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: process.env.NATS_URL!,
      LOG_LEVEL: 'warn',
    };
    // Two service processes compiling at once on a busy 2-core machine can take longer than the 30 s default.
    const slowStart = { timeoutMs: 90_000 };
    [crm, meta] = await Promise.all([
      startServiceProcess('crm-service', { ...common, HTTP_PORT: String(await freePort()) }, slowStart),
      startServiceProcess(
        'meta-ads-service',
        {
          ...common,
          HTTP_PORT: String(await freePort()),
          META_GRAPH_URL: sandbox.url,
          META_APP_ID: ids.appId,
          META_APP_SECRET: APP_SECRET,
          TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        },
        slowStart,
      ),
    ]);
    tenant = await seedTenant(db, 'Inmobiliaria Chats');
    other = await seedTenant(db, 'Inmobiliaria Ajena');
    rpc = new RpcTestClient(process.env.NATS_URL!);
    await connectTenantToSandbox(rpc, sandbox.url, tenant.tenantId, ids);
    for (const role of ROLES) {
      agents[role] = request.agent(gateway.server);
      await agents[role]
        .post('/crm/auth/login')
        .send({ email: tenant.users[role].email, password: TEST_PASSWORD })
        .expect(200);
    }
    outsider = request.agent(gateway.server);
    await outsider
      .post('/crm/auth/login')
      .send({ email: other.users.ceo.email, password: TEST_PASSWORD })
      .expect(200);
  }, 180_000);

  afterAll(async () => {
    await rpc?.call(Rpc.meta.disconnect, { tenantId: tenant.tenantId }).catch(() => undefined);
    await rpc?.close();
    await Promise.all([gateway?.close(), crm?.stop(), meta?.stop()]);
    await db?.end();
    await sandbox?.close();
  });

  it('a message from an unknown number becomes a lead with a conversation: one unread, the 24 h window open', async () => {
    const before = Date.now();
    const { phone, chat } = await contactWrites('Hola, ¿sigue disponible el departamento?');
    expect(chat).toMatchObject({
      leadName: 'Rosa Contacto',
      unreadCount: 1,
      windowOpen: true,
      lastMessageDirection: 'in',
      lastMessagePreview: 'Hola, ¿sigue disponible el departamento?',
      // The only active setter gets new leads (round-robin).
      assignedUserId: tenant.users.setter.id,
    });
    const windowMs = Date.parse(chat.windowEndsAt!) - before;
    expect(windowMs).toBeGreaterThan(23 * HOUR_MS);
    expect(windowMs).toBeLessThan(25 * HOUR_MS);
    const lead = await db.query<{ lead_source: string }>(
      `SELECT lead_source FROM crm.leads WHERE tenant_id = $1 AND phone = $2`,
      [tenant.tenantId, phone],
    );
    expect(lead.rows).toEqual([{ lead_source: 'WHATSAPP' }]);
    const { items } = await thread(agents.setter, chat.leadId);
    expect(items).toEqual([
      expect.objectContaining({
        direction: 'in',
        type: 'text',
        body: 'Hola, ¿sigue disponible el departamento?',
      }),
    ]);

    const read = await agents.setter.post(`/crm/chats/${chat.leadId}/read`).send({}).expect(200);
    expect(read.body).toMatchObject({ leadId: chat.leadId, unreadCount: 0 });
  });

  it('a Click-to-WhatsApp ad message keeps the window open 72 h', async () => {
    const before = Date.now();
    const { chat } = await contactWrites('Me interesa', { adId: ids.ctwaAdIds[0] });
    const windowMs = Date.parse(chat.windowEndsAt!) - before;
    expect(windowMs).toBeGreaterThan(71 * HOUR_MS);
    expect(windowMs).toBeLessThan(73 * HOUR_MS);
  });

  it('a reply inside the window reaches the contact once and moves to delivered and read', async () => {
    const { phone, chat } = await contactWrites('¿Cuál es el precio?');
    const messageId = randomUUID();
    const sent = await agents.setter
      .post(`/crm/chats/${chat.leadId}/messages`)
      .send({ messageId, text: 'Hola Rosa, cuesta 3.2 millones.' })
      .expect(201);
    expect(sent.body).toMatchObject({
      id: messageId,
      direction: 'out',
      type: 'text',
      body: 'Hola Rosa, cuesta 3.2 millones.',
      sentByUserId: tenant.users.setter.id,
    });
    const received = await messagesTo(phone);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ type: 'text', text: 'Hola Rosa, cuesta 3.2 millones.' });

    const final = await waitFor(
      async () => {
        const message = (await thread(agents.setter, chat.leadId)).items.find((m) => m.id === messageId);
        return message?.status === 'read' ? message : undefined;
      },
      { what: 'the reply read', timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(final.status).toBe('read');
    // Meta posted sent → delivered → read, each accepted by the gateway.
    const statuses = (await messagesTo(phone))[0].statuses;
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses.every((s) => s.delivered)).toBe(true);
    const stored = await db.query<{ wamid: string }>(`SELECT wamid FROM crm.messages WHERE id = $1`, [
      messageId,
    ]);
    expect(stored.rows[0].wamid).toBe(received[0].wamid);

    const list = (await agents.setter.get('/crm/chats?filter=mine').expect(200)).body as ChatPage;
    expect(list.items[0]).toMatchObject({ leadId: chat.leadId, lastMessageDirection: 'out' });
  });

  it('the same messageId sent twice, even at once, reaches the contact once', async () => {
    const { phone, chat } = await contactWrites('¿Aceptan crédito?');
    const body = { messageId: randomUUID(), text: 'Sí, aceptamos Infonavit.' };
    const [first, second] = await Promise.all([
      agents.setter.post(`/crm/chats/${chat.leadId}/messages`).send(body),
      agents.setter.post(`/crm/chats/${chat.leadId}/messages`).send(body),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.id).toBe(body.messageId);
    expect(second.body.id).toBe(body.messageId);
    const retried = await agents.setter.post(`/crm/chats/${chat.leadId}/messages`).send(body).expect(201);
    expect(retried.body.id).toBe(body.messageId);
    expect(await messagesTo(phone)).toHaveLength(1);
    const rows = await db.query(
      `SELECT 1 FROM crm.messages WHERE tenant_id = $1 AND lead_id = $2 AND direction = 'out'`,
      [tenant.tenantId, chat.leadId],
    );
    expect(rows.rowCount).toBe(1);
  });

  it('outside the window a text is refused with 409 and a template goes', async () => {
    const lead = (
      await agents.ceo
        .post('/crm/leads')
        .send({ name: 'Pedro Sin Escribir', phone: `+${randomWaId()}`, leadSource: 'MANUAL' })
        .expect(201)
    ).body as LeadWithPhone;
    const refused = await agents.ceo
      .post(`/crm/chats/${lead.id}/messages`)
      .send({ text: 'Hola Pedro' })
      .expect(409);
    expect(refused.body.message).toMatch(/window is closed/);
    expect(await messagesTo(lead.phone)).toHaveLength(0);

    const templates = (await agents.setter.get('/crm/chats/templates').expect(200)).body as TemplateView[];
    const seguimiento = templates.find((t) => t.name === 'seguimiento_lead')!;
    expect(seguimiento).toBeDefined();
    expect(templates.every((t) => t.status === 'APPROVED')).toBe(true);

    const sent = await agents.ceo
      .post(`/crm/chats/${lead.id}/messages`)
      .send({
        template: {
          name: 'seguimiento_lead',
          language: seguimiento.language,
          parameters: ['Pedro', 'Ana', 'Sol'],
        },
      })
      .expect(201);
    expect(sent.body).toMatchObject({ type: 'template', templateName: 'seguimiento_lead' });
    const received = await messagesTo(lead.phone);
    expect(received).toHaveLength(1);
    expect(received[0].template).toMatchObject({ name: 'seguimiento_lead', params: ['Pedro', 'Ana', 'Sol'] });
    const chat = (await thread(agents.ceo, lead.id)).chat;
    expect(chat).toMatchObject({
      windowOpen: false,
      windowEndsAt: null,
      lastMessagePreview: 'seguimiento_lead',
    });
  });

  it("Meta's 131047 (window closed on WhatsApp's side) leaves the message failed and answers 409", async () => {
    // The CRM believes the window is open (a conversation row says so), but the number never wrote to WhatsApp.
    const leadId = await seedLead(db, tenant.tenantId, 'Lead Ventana Desfasada');
    await db.query(
      `INSERT INTO crm.conversations (tenant_id, lead_id, last_message_at, last_message_direction, last_inbound_at,
                                      window_ends_at)
       VALUES ($1, $2, now(), 'in', now(), now() + interval '1 hour')`,
      [tenant.tenantId, leadId],
    );
    const messageId = randomUUID();
    const refused = await agents.ceo
      .post(`/crm/chats/${leadId}/messages`)
      .send({ messageId, text: 'Hola' })
      .expect(409);
    expect(refused.body.message).toMatch(/window is closed/);
    const row = await db.query<{ status: string; error_code: number | null; phone: string }>(
      `SELECT m.status, m.error_code, l.phone FROM crm.messages m JOIN crm.leads l ON l.id = m.lead_id
        WHERE m.id = $1`,
      [messageId],
    );
    expect(row.rows[0]).toMatchObject({ status: 'failed', error_code: 131047 });
    expect(await messagesTo(row.rows[0].phone)).toHaveLength(0);
    // Retrying the same message answers it as it is: nothing is sent.
    const retried = await agents.ceo
      .post(`/crm/chats/${leadId}/messages`)
      .send({ messageId, text: 'Hola' })
      .expect(201);
    expect(retried.body).toMatchObject({ id: messageId, status: 'failed', errorCode: 131047 });
  });

  it('meta-ads-service sends a text once per idempotency key and maps 131047 to WINDOW_CLOSED', async () => {
    const { phone } = await contactWrites('Hola');
    const key = `test:${randomUUID()}`;
    const first = await rpc.call(Rpc.meta.sendText, {
      tenantId: tenant.tenantId,
      idempotencyKey: key,
      to: phone,
      text: 'Uno',
    });
    const again = await rpc.call(Rpc.meta.sendText, {
      tenantId: tenant.tenantId,
      idempotencyKey: key,
      to: phone,
      text: 'Uno',
    });
    expect(again.wamid).toBe(first.wamid);
    expect(await messagesTo(phone)).toHaveLength(1);

    const stranger = `+${randomWaId()}`;
    const closed = await rpcError(
      rpc.call(Rpc.meta.sendText, {
        tenantId: tenant.tenantId,
        idempotencyKey: `test:${randomUUID()}`,
        to: stranger,
        text: 'Hola',
      }),
    );
    expect(closed.code).toBe('CONFLICT');
    expect(closed.details).toMatchObject({ reason: 'WINDOW_CLOSED', metaCode: 131047 });
  });

  it("a setter sees only their leads' conversations; reassigning moves the conversation", async () => {
    const { chat } = await contactWrites('Quiero agendar una visita');
    await agents.ceo
      .patch(`/crm/leads/${chat.leadId}`)
      .send({ assignedUserId: tenant.users.closer.id })
      .expect(200);

    await agents.setter.get(`/crm/chats/${chat.leadId}/messages`).expect(404);
    await agents.setter.post(`/crm/chats/${chat.leadId}/read`).send({}).expect(404);
    await agents.setter.post(`/crm/chats/${chat.leadId}/messages`).send({ text: 'Hola' }).expect(404);
    const setterList = (await agents.setter.get('/crm/chats?pageSize=100').expect(200)).body as ChatPage;
    expect(setterList.items.map((c) => c.leadId)).not.toContain(chat.leadId);

    const closerList = (await agents.closer.get('/crm/chats?filter=mine').expect(200)).body as ChatPage;
    expect(closerList.items.map((c) => c.leadId)).toContain(chat.leadId);
    expect(closerList.items.every((c) => c.assignedUserId === tenant.users.closer.id)).toBe(true);
    const professional = await thread(agents.professional, chat.leadId);
    expect(professional.chat.assignedUserId).toBe(tenant.users.closer.id);
  });

  it('pages conversations with a keyset cursor, latest first, without repeats', async () => {
    const first = (await agents.ceo.get('/crm/chats?pageSize=2').expect(200)).body as ChatPage;
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await agents.ceo.get(`/crm/chats?pageSize=2&cursor=${first.nextCursor}`).expect(200))
      .body as ChatPage;
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((c) => c.leadId)).size).toBe(all.length);
    const times = all.map((c) => Date.parse(c.lastMessageAt!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const unassigned = (await agents.ceo.get('/crm/chats?filter=unassigned').expect(200)).body as ChatPage;
    expect(unassigned.items.every((c) => c.assignedUserId === null)).toBe(true);
  });

  it("another tenant's conversation is 404", async () => {
    const leadId = (await agents.ceo.get('/crm/chats').expect(200)).body.items[0].leadId as string;
    await outsider.get(`/crm/chats/${leadId}/messages`).expect(404);
    await outsider.post(`/crm/chats/${leadId}/read`).send({}).expect(404);
    await outsider.post(`/crm/chats/${leadId}/messages`).send({ text: 'Hola' }).expect(404);
    const page = (await outsider.get('/crm/chats').expect(200)).body as ChatPage;
    expect(page.items).toEqual([]);
  });

  it('bad input is a 400 with a clear message', async () => {
    const leadId = await seedLead(db, tenant.tenantId, 'Lead Validación');
    const send = (body: unknown) => agents.ceo.post(`/crm/chats/${leadId}/messages`).send(body as object);
    expect((await send({}).expect(400)).body.message).toMatch(/either a non-blank text or a template/);
    await send({
      text: 'Hola',
      template: { name: 'seguimiento_lead', language: 'es', parameters: [] },
    }).expect(400);
    await send({ text: '   ' }).expect(400);
    await send({ text: 'x'.repeat(4097) }).expect(400);
    await send({ template: { name: 'Seguimiento Lead', language: 'es', parameters: [] } }).expect(400);
    await send({ template: { name: 'seguimiento_lead', language: 'es', parameters: [3] } }).expect(400);
    await send({ text: 'Hola', messageId: 'not-a-uuid' }).expect(400);
    await send({ text: 'Hola', tenantId: other.tenantId }).expect(400);
    await agents.ceo.post('/crm/chats/not-a-uuid/messages').send({ text: 'Hola' }).expect(400);
    await agents.ceo.get('/crm/chats?filter=everything').expect(400);
    await agents.ceo.get('/crm/chats?cursor=forged').expect(400);
    await agents.ceo.get(`/crm/chats/${leadId}/messages?before=forged`).expect(400);
    await agents.ceo.get(`/crm/chats/${randomUUID()}/messages`).expect(404);
  });

  it('a thread reads oldest to newest', async () => {
    const { chat } = await contactWrites('Primero');
    await agents.setter.post(`/crm/chats/${chat.leadId}/messages`).send({ text: 'Segundo' }).expect(201);
    const { items } = await thread(agents.setter, chat.leadId);
    expect(items.map((m: ChatMessageView) => m.body)).toEqual(['Primero', 'Segundo']);
  });

  it('documents the chat routes and the send body (without the session fields) in OpenAPI', async () => {
    const spec = (await request(gateway.server).get('/api/docs-json').expect(200)).body as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/crm/chats',
        '/crm/chats/templates',
        '/crm/chats/{leadId}/messages',
        '/crm/chats/{leadId}/read',
      ]),
    );
    const body = spec.components.schemas.SendChatMessageBody!;
    expect(Object.keys(body.properties).sort()).toEqual(['messageId', 'template', 'text']);
    expect(body.required ?? []).toEqual([]);
  });
});
