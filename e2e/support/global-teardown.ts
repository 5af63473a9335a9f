import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, dropDatabase, type NatsServerHandle } from '@crm/testing';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__crmE2e as
    | {
        stack: { stop: () => Promise<void> };
        nats: NatsServerHandle;
        database: { name: string };
        logLines: string[];
      }
    | undefined;
  if (!state) return;
  writeFileSync(join(REPO_ROOT, 'tmp/e2e-services.log'), state.logLines.join('\n'));
  await state.stack.stop();
  await state.nats.stop();
  if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(state.database.name);
}
