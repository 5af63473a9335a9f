import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Client } from 'pg';
import { Rpc } from '@crm/contracts';
// Tests only: the Meta sandbox is a tool, never a runtime dependency of the gateway.
import { createSandbox, idsOf } from '@crm/meta-sandbox';
import {
  RpcTestClient,
  connectTenantToSandbox,
  freePort,
  metaSignature,
  startServiceProcess,
  waitForConsumersIdle,
  webhookBodies,
  type FuzzBody,
  type ServiceHandle,
} from '@crm/testing';
import { connectDatabase, seedTenant, startTestGateway, type TestGateway } from './gateway-test-support';

const APP_SECRET = 'int-test-app-secret';
/** Small here; `npm run bench:fuzz` posts 10,000. `FUZZ_SEED` replays a failing run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const IN_FLIGHT = 8;
// Bounds grow with the run size, so the bench's 10,000 bodies are held to the same test.
// ~25 ms a body on a quiet 2-core machine; room for a busy one (the 10,000-body bench timed out at 40 ms a body under load).
jest.setTimeout(180_000 + RUNS * 100);
const SERVICES = ['meta-ads-service', 'crm-service', 'automation-service'] as const;
const DELIVERY_ENV = {
  JETSTREAM_MAX_DELIVER: '3',
  JETSTREAM_BACKOFF_BASE_MS: '50',
  JETSTREAM_BACKOFF_MAX_MS: '200',
};

/**
 * Fuzz proof: signed webhook bodies generated from Meta's OpenAPI schemas (and the reference's template/leadgen
 * shapes), a third valid and the rest mutated, posted to the real gateway with meta-ads, crm and automation
 * services behind it → no response ≥ 500, every consumer of these services idle again, only mutated bodies
 * parked, every valid inbound sender a lead, and every service still up.
 */
describe(`webhook fuzz: ${RUNS} signed bodies (seed ${SEED})`, () => {
  const tag = randomUUID();
  let sandboxClose: () => Promise<void>;
  let ids: ReturnType<typeof idsOf>;
  const services: ServiceHandle[] = [];
  const ports: number[] = [];
  let gateway: TestGateway;
  let db: Client;
  let rpc: RpcTestClient;
  let tenantId: string;

  beforeAll(async () => {
    db = await connectDatabase();
    rpc = new RpcTestClient(process.env.NATS_URL!);
    const sandbox = createSandbox({
      seed: `fuzz-${tag}`,
      appSecret: APP_SECRET,
      webhookUrl: 'http://127.0.0.1:9/webhooks/meta',
    });
    ids = idsOf(sandbox.state.dataset);
    const listening = await sandbox.listen(0);
    sandboxClose = () => listening.close();
    ports.push(await freePort(), await freePort(), await freePort());
    const common = (i: number) => ({
      HTTP_PORT: String(ports[i]),
      DATABASE_URL: process.env.DATABASE_URL!,
      NATS_URL: process.env.NATS_URL!,
      LOG_LEVEL: 'fatal',
      ...DELIVERY_ENV,
    });
    const started = await Promise.all([
      startServiceProcess('meta-ads-service', {
        ...common(0),
        META_GRAPH_URL: listening.url,
        META_GRAPH_VERSION: 'v23.0',
        META_APP_ID: ids.appId,
        META_APP_SECRET: APP_SECRET,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }),
      startServiceProcess('crm-service', common(1)),
      startServiceProcess('automation-service', { ...common(2), SCHEDULER_POLL_MS: '60000' }),
    ]);
    services.push(...started);
    gateway = await startTestGateway({ META_APP_SECRET: APP_SECRET, META_APP_ID: ids.appId });
    tenantId = (await seedTenant(db, `Fuzz ${tag.slice(0, 8)}`)).tenantId;
    await connectTenantToSandbox(rpc, listening.url, tenantId, ids);
  });

  afterAll(async () => {
    if (tenantId) await rpc.call(Rpc.meta.disconnect, { tenantId }).catch(() => undefined);
    await gateway?.close();
    await Promise.all(services.map((s) => s.stop()));
    await sandboxClose?.();
    await rpc?.close();
    await db?.end();
  });

  const sha = (raw: string) => createHash('sha256').update(raw).digest('hex');

  /**
   * Dead letters of `schema` whose payload names one of these body hashes. Matched here, not by `LIKE ANY` of
   * thousands of patterns (rows × patterns substring scans: minutes at the bench's 10,000 bodies).
   */
  async function deadLetters(schema: string, shas: string[]): Promise<number> {
    const wanted = new Set(shas);
    const { rows } = await db.query<{ payload: string }>(
      `SELECT payload::text AS payload FROM ${schema}.dead_letters`,
    );
    return rows.filter((row) => [...row.payload.matchAll(/[0-9a-f]{64}/g)].some(([hex]) => wanted.has(hex)))
      .length;
  }

  it('answers < 500 to every body, parks only mutated ones, turns every valid sender into a lead, and stays up', async () => {
    const bodies: FuzzBody[] = fc.sample(
      webhookBodies({
        wabaId: ids.wabaId,
        phoneNumberId: ids.phoneNumberIds[0],
        displayPhoneNumber: '5215500000000',
        // A Page nobody connected: leadgen notices are routed nowhere and acknowledged.
        pageId: `9${ids.pageId}`,
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const statuses: { status: number; body: FuzzBody }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const response = await fetch(`${gateway.baseUrl}/webhooks/meta`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Hub-Signature-256': metaSignature(body.raw, APP_SECRET),
          },
          body: body.raw,
        });
        await response.arrayBuffer();
        statuses.push({ status: response.status, body });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const errors = statuses.filter((s) => s.status >= 500);
    expect(
      errors.map((e) => `${e.status} ${e.body.kind}/${e.body.mutation ?? 'valid'} (seed ${SEED})`),
    ).toEqual([]);
    const valid = bodies.filter((b) => !b.mutation);
    expect(valid.length).toBeGreaterThan(RUNS / 5);
    // Every valid body is accepted (stored for processing), not refused.
    expect(statuses.filter((s) => !s.body.mutation && s.status !== 200).map((s) => s.status)).toEqual([]);

    await waitForConsumersIdle(SERVICES, { timeoutMs: 90_000 + RUNS * 10 });

    // Parked ⊆ mutated: no dead letter of any service carries a valid body's hash.
    const validShas = [...new Set(valid.map((b) => sha(b.raw)))];
    for (const schema of ['meta_ads', 'crm', 'automation']) {
      expect({ schema, parked: await deadLetters(schema, validShas) }).toEqual({ schema, parked: 0 });
    }
    // …while the mutations do reach the consumer and are parked there (the generator is not harmless).
    const mutatedShas = [...new Set(bodies.filter((b) => b.mutation).map((b) => sha(b.raw)))];
    expect(await deadLetters('meta_ads', mutatedShas)).toBeGreaterThan(0);
    // Every sender of a valid inbound message is a lead of the tenant.
    const senders = [...new Set(valid.flatMap((b) => b.senders))].map((s) => `+${s}`);
    const { rows } = await db.query<{ phone: string }>(
      `SELECT phone FROM crm.leads WHERE tenant_id = $1 AND phone = ANY($2)`,
      [tenantId, senders],
    );
    expect(senders.length).toBeGreaterThan(RUNS / 10);
    const missing = senders.filter((s) => !rows.some((r) => r.phone === s));
    expect({ missing, seed: SEED }).toEqual({ missing: [], seed: SEED });

    // The services are still up.
    for (const [i, service] of services.entries()) {
      expect({ name: service.name, exitCode: service.child.exitCode }).toEqual({
        name: service.name,
        exitCode: null,
      });
      expect((await fetch(`http://127.0.0.1:${ports[i]}/health`)).status).toBe(200);
    }
  });
});
