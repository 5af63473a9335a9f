import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  Events,
  Rpc,
  ServiceSubjectMap,
  Webhooks,
  natsPermissionsOf,
  type ServiceName,
} from '@crm/contracts';
import { SERVICES, USERS_CONF, renderUsersConf } from './nats-config';

const SERVICES_DIR = join(__dirname, '../../../services');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__tests__' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('spec.ts') ? [path] : [];
  });
}

/** `Rpc.crm.getLead` → its subject, from the constants the service's own (non-test) code names. */
function referencedSubjects(service: ServiceName): { rpc: string[]; durable: string[] } {
  const text = sourceFiles(join(SERVICES_DIR, service, 'src'))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const rpcTable = Rpc as Record<string, Record<string, string>>;
  const rpc = [...text.matchAll(/\bRpc\.(\w+)\.(\w+)/g)].map(([, domain, key]) => rpcTable[domain][key]);
  const durableTable = { ...Events, ...Webhooks } as Record<string, string>;
  const durable = [...text.matchAll(/\b(?:Events|Webhooks)\.(\w+)/g)]
    .map(([, key]) => durableTable[key])
    .filter((subject): subject is string => subject !== undefined);
  return { rpc: [...new Set(rpc)], durable: [...new Set(durable)] };
}

describe('NATS users (infra/nats/users.conf)', () => {
  it('is what `npm run nats:config` writes from the contracts (run it after changing service-subjects.ts)', () => {
    expect(readFileSync(USERS_CONF, 'utf8')).toBe(renderUsersConf());
  });

  it.each(SERVICES)('%s: every RPC subject its code names is one it handles or may call', (service) => {
    const spec = ServiceSubjectMap[service];
    const handled: string[] = spec.handles ? Object.values(Rpc[spec.handles]) : [];
    const missing = referencedSubjects(service).rpc.filter(
      (subject) => !handled.includes(subject) && !spec.calls.includes(subject as never),
    );
    expect(missing).toEqual([]);
  });

  it.each(SERVICES)('%s: every durable subject its code names is one it publishes or consumes', (service) => {
    const spec = ServiceSubjectMap[service];
    const declared: string[] = [...spec.publishes, ...spec.consumes];
    expect(referencedSubjects(service).durable.filter((s) => !declared.includes(s))).toEqual([]);
  });

  it('lets only the gateway publish webhook parts and only meta-ads-service read them', () => {
    const publishers = SERVICES.filter((s) => natsPermissionsOf(s).publish.includes(Webhooks.metaPart));
    expect(publishers).toEqual(['gateway']);
    const readers = SERVICES.filter((s) =>
      natsPermissionsOf(s).publish.some((p) => p.startsWith('$JS.API.CONSUMER.CREATE.META_WEBHOOKS.')),
    );
    expect(readers).toEqual(['meta-ads-service']);
  });

  it('lets only meta-ads-service answer meta.oauth.complete, and only the gateway ask it', () => {
    const answer = SERVICES.filter((s) => natsPermissionsOf(s).subscribe.includes(Rpc.meta.completeOauth));
    expect(answer).toEqual(['meta-ads-service']);
    const ask = SERVICES.filter((s) => natsPermissionsOf(s).publish.includes(Rpc.meta.completeOauth));
    expect(ask).toEqual(['gateway']);
  });

  it('gives no user a wildcard over RPC, events or every inbox', () => {
    for (const service of SERVICES) {
      const { publish, subscribe } = natsPermissionsOf(service);
      expect(
        subscribe.filter(
          (s) =>
            s === '>' ||
            s.startsWith('_INBOX.>') ||
            (s.includes('.>') && !s.startsWith(`_INBOX.${service}.`)),
        ),
      ).toEqual([]);
      expect(publish.filter((s) => s === '>' || (s.endsWith('>') && !s.startsWith('$JS.ACK.')))).toEqual([]);
    }
  });
});
