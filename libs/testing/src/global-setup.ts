import { createFreshDatabase, startNatsServer } from './infra';

/**
 * Jest global setup for integration tests: a fresh database of this run's own (all migrations applied)
 * and a private nats-server with JetStream. Exposed to tests as DATABASE_URL (the
 * services' app role, under row-level security), MIGRATION_DATABASE_URL (the owner: setup and assertions) and NATS_URL.
 */
export default async function globalSetup(): Promise<void> {
  const database = await createFreshDatabase('crm_it');
  const nats = await startNatsServer();
  process.env.DATABASE_URL = database.appUrl;
  process.env.MIGRATION_DATABASE_URL = database.url;
  process.env.NATS_URL = nats.url;
  (globalThis as Record<string, unknown>).__crmIntegration = { database, nats };
}
