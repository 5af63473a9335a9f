import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { NATS_AUTH_CONFIG_FILE, startNatsServer, type NatsServerHandle } from '@crm/testing';
import { connect } from 'nats';
import { JetStreamService } from './jetstream';
import { natsConnectOptions } from './nats-connection';

/** A throwaway CA and a server certificate for 127.0.0.1 it signed, made with the openssl CLI. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=crm-test-ca',
    '-keyout',
    file('ca-key.pem'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server-key.pem'),
    '-out',
    file('server.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.pem'),
  );
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server-key.pem') };
}

describe('NATS over TLS with the generated users (real nats-server, openssl-made CA)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-nats-tls-'));
  // A letter first: nats-server reads a variable whose value starts with a digit as a number and does not start.
  const natsPassword = () => `p${randomBytes(12).toString('hex')}`;
  const password = natsPassword();
  let server: NatsServerHandle;

  beforeAll(async () => {
    const certs = makeCertificates(dir);
    // nats-server resolves `include` against the including file's folder: point back at infra/nats.
    const config = join(dir, 'nats-server-tls.conf');
    writeFileSync(
      config,
      `include "${relative(dir, NATS_AUTH_CONFIG_FILE)}"\n` +
        `tls {\n  cert_file: "${certs.cert}"\n  key_file: "${certs.key}"\n  ca_file: "${certs.ca}"\n}\n`,
    );
    const env: Record<string, string> = {};
    for (const service of [
      'GATEWAY',
      'CRM_SERVICE',
      'META_ADS_SERVICE',
      'MARKETING_SERVICE',
      'AUTOMATION_SERVICE',
    ])
      env[`NATS_PASSWORD_${service}`] = service === 'CRM_SERVICE' ? password : natsPassword();
    server = await startNatsServer({ configFile: config, env });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a service in with NATS_TLS_CA and its user, over TLS, for core NATS and JetStream', async () => {
    const url = server.url.replace('nats://', 'tls://');
    const auth = { NATS_USER: 'crm-service', NATS_PASSWORD: password, NATS_TLS_CA: join(dir, 'ca.pem') };
    const nc = await connect({ ...natsConnectOptions(url, auth), reconnect: false });
    try {
      expect(nc.info?.tls_required).toBe(true);
      expect(nc.info?.auth_required).toBe(true);
      await nc.flush();
    } finally {
      await nc.close();
    }
    const js = new JetStreamService();
    await js.connect(url, 'spec-crm-tls', auth);
    await js.onApplicationShutdown();
  });

  it('refuses a service without the CA (the certificate is not trusted), and one with the CA but no password', async () => {
    const url = server.url.replace('nats://', 'tls://');
    await expect(
      connect({
        ...natsConnectOptions(url, { NATS_USER: 'crm-service', NATS_PASSWORD: password }),
        reconnect: false,
      }),
    ).rejects.toThrow(/certificate|self.signed|unable to verify/i);
    await expect(
      connect({
        ...natsConnectOptions(url, { NATS_USER: 'crm-service', NATS_TLS_CA: join(dir, 'ca.pem') }),
        reconnect: false,
      }),
    ).rejects.toThrow(/authoriz/i);
  });
});
