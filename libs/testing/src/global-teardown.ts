import { dropDatabase, type NatsServerHandle } from './infra';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__crmIntegration as
    { database: { name: string }; nats: NatsServerHandle } | undefined;
  if (!state) return;
  await state.nats.stop();
  if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(state.database.name);
}
