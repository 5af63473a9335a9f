import { randomBytes, randomUUID } from 'node:crypto';
import { Events, LeadStatusChangedEvent, Rpc, ServiceSubjectMap, Webhooks } from '@crm/contracts';
import { NATS_AUTH_CONFIG_FILE, startNatsServer, waitFor, type NatsServerHandle } from '@crm/testing';
import { connect, type NatsConnection } from 'nats';
import { JetStreamService } from './jetstream';
import { natsConnectOptions, type NatsAuth } from './nats-connection';

/** A nats-server with the generated users (infra/nats/users.conf), each with a fresh password. */
const services = Object.keys(ServiceSubjectMap);
const passwords = Object.fromEntries(services.map((s) => [s, `p${randomBytes(12).toString('hex')}`]));
const serverEnv = Object.fromEntries(
  services.map((s) => [`NATS_PASSWORD_${s.toUpperCase().replace(/-/g, '_')}`, passwords[s]]),
);
const auth = (service: string): NatsAuth => ({ NATS_USER: service, NATS_PASSWORD: passwords[service] });

/** Resolves when the subscription ends; rejects with the server's refusal. */
async function drain(subscription: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of subscription) void _;
}

describe('NATS users generated from the contracts (real nats-server)', () => {
  let server: NatsServerHandle;
  const open: NatsConnection[] = [];
  const jetstreams: JetStreamService[] = [];
  const as = async (service: string) => {
    const nc = await connect({ ...natsConnectOptions(server.url, auth(service)), name: `spec-${service}` });
    open.push(nc);
    return nc;
  };
  const jetstreamAs = async (service: string) => {
    const js = new JetStreamService();
    await js.connect(server.url, `spec-${service}-js`, auth(service));
    jetstreams.push(js);
    return js;
  };

  beforeAll(async () => {
    server = await startNatsServer({ configFile: NATS_AUTH_CONFIG_FILE, env: serverEnv });
  });

  afterAll(async () => {
    for (const js of jetstreams) await js.onApplicationShutdown();
    for (const nc of open) if (!nc.isClosed()) await nc.close();
    await server.stop();
  });

  it('refuses a connection without credentials, or with another service’s password', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/authoriz/i);
    await expect(
      connect({ servers: server.url, user: 'crm-service', pass: passwords.gateway, reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });

  it('lets the gateway call an RPC crm-service answers, with the reply on the gateway’s own inbox', async () => {
    const crm = await as('crm-service');
    const handler = crm.subscribe(Rpc.crm.getTenant, { queue: 'crm-service' });
    void (async () => {
      for await (const message of handler) message.respond(new TextEncoder().encode('{"ok":true}'));
    })();
    await crm.flush();
    const gateway = await as('gateway');
    const reply = await gateway.request(Rpc.crm.getTenant, undefined, { timeout: 2000 });
    expect(new TextDecoder().decode(reply.data)).toBe('{"ok":true}');
  });

  it('refuses crm-service a subscription to meta.oauth.complete (the short-lived token) and to other inboxes', async () => {
    const crm = await as('crm-service');
    await expect(drain(crm.subscribe(Rpc.meta.completeOauth))).rejects.toThrow(/permissions violation/i);
    await expect(drain(crm.subscribe('_INBOX.gateway.>'))).rejects.toThrow(/permissions violation/i);
    // and what it handles is allowed:
    const own = crm.subscribe(Rpc.crm.getLead);
    await crm.flush();
    expect(own.isClosed()).toBe(false);
  });

  it('refuses crm-service publishing webhook parts or reading them from the stream', async () => {
    const crm = await jetstreamAs('crm-service');
    await expect(crm.publishRaw(Webhooks.metaPart, '{}')).rejects.toThrow();
    await expect(
      crm.consume({
        durable: `spec-steal-${randomUUID().slice(0, 8)}`,
        subject: Webhooks.metaPart,
        handler: async () => {},
      }),
    ).rejects.toThrow();
  });

  it('lets crm-service publish lead.status-changed and meta-ads-service consume it', async () => {
    const metaAds = await jetstreamAs('meta-ads-service');
    const tenantId = randomUUID();
    const received: LeadStatusChangedEvent[] = [];
    await metaAds.consume({
      durable: `spec-conversions-${tenantId.slice(0, 8)}`,
      subject: Events.leadStatusChanged,
      from: 'new',
      handler: async (event) => {
        if (event.tenantId === tenantId) received.push(event);
      },
    });
    const crm = await jetstreamAs('crm-service');
    const event = {
      tenantId,
      leadId: randomUUID(),
      from: 'nuevo',
      to: 'contactado',
      changedAt: new Date().toISOString(),
    };
    await crm.publish(Events.leadStatusChanged, event as LeadStatusChangedEvent);
    await waitFor(() => received.length === 1, { what: 'the event at meta-ads-service', timeoutMs: 5000 });
    expect(received[0].leadId).toBe(event.leadId);
  });

  it('lets the gateway publish webhook parts, not a CRM event', async () => {
    const gateway = await jetstreamAs('gateway');
    await expect(gateway.publishRaw(Webhooks.metaPart, '{}')).resolves.toMatchObject({ duplicate: false });
    await expect(gateway.publishRaw(Events.leadCreated, '{}')).rejects.toThrow();
  });
});
