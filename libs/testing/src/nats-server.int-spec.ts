import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { NATS_AUTH_CONFIG_FILE, startNatsServer } from './infra';

describe('startNatsServer (real nats-server)', () => {
  it('starts one that accepts connections and stops it', async () => {
    const server = await startNatsServer();
    const connection = await connect({ servers: server.url });
    await connection.close();
    await server.stop();
    await expect(connect({ servers: server.url, reconnect: false, timeout: 1000 })).rejects.toThrow();
  });

  it("fails at once with nats-server's own words when it cannot start", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-nats-bad-'));
    const config = join(dir, 'bad.conf');
    writeFileSync(config, 'max_payload: {\n');
    const started = Date.now();
    try {
      await expect(startNatsServer({ configFile: config })).rejects.toThrow(
        /exited \(1\) before accepting; its last output:\n.*Unexpected EOF processing map/,
      );
      // Three attempts, each ending when the process exits, well before the 20 s wait for a slow start.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a password starting with a digit (why generated passwords start with a letter)', async () => {
    const env = Object.fromEntries(
      ['GATEWAY', 'CRM_SERVICE', 'META_ADS_SERVICE', 'MARKETING_SERVICE', 'AUTOMATION_SERVICE'].map((s) => [
        `NATS_PASSWORD_${s}`,
        s === 'CRM_SERVICE' ? '7e5abc' : `p${s}`,
      ]),
    );
    await expect(startNatsServer({ configFile: NATS_AUTH_CONFIG_FILE, env })).rejects.toThrow(
      /NATS_PASSWORD_CRM_SERVICE/,
    );
  });
});
