import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { REPO_ROOT, freePort, startServiceProcess, type ServiceHandle } from './infra';
import type { SandboxAssets } from './meta-connection';

/** The run's database and NATS, as every service process of an integration test gets them. */
function runEnv(): Record<string, string> {
  return {
    DATABASE_URL: process.env.DATABASE_URL!,
    NATS_URL: process.env.NATS_URL!,
    LOG_LEVEL: 'warn',
  };
}

/** crm-service as a real process on the run's database and NATS; `env` adds or overrides variables. */
export async function startCrmServiceProcess(env: Record<string, string> = {}): Promise<ServiceHandle> {
  return startServiceProcess('crm-service', { ...runEnv(), HTTP_PORT: String(await freePort()), ...env });
}

/** marketing-service as a real process on the run's database and NATS; `env` adds or overrides variables. */
export async function startMarketingServiceProcess(env: Record<string, string> = {}): Promise<ServiceHandle> {
  return startServiceProcess('marketing-service', {
    ...runEnv(),
    HTTP_PORT: String(await freePort()),
    ...env,
  });
}

/**
 * meta-ads-service as a real process on the run's database and NATS, its Graph API at `meta.graphUrl` (the sandbox,
 * or a dead port when no tenant is connected) as app `meta.appId`/`meta.appSecret`, with a fresh token encryption
 * key; `env` adds or overrides variables.
 */
export async function startMetaAdsServiceProcess(
  meta: { graphUrl: string; appId: string; appSecret: string },
  env: Record<string, string> = {},
): Promise<ServiceHandle> {
  return startServiceProcess('meta-ads-service', {
    ...runEnv(),
    HTTP_PORT: String(await freePort()),
    META_GRAPH_URL: meta.graphUrl,
    META_GRAPH_VERSION: 'v23.0',
    META_APP_ID: meta.appId,
    META_APP_SECRET: meta.appSecret,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
}

/** The sandbox's default dataset as its control API lists it (`GET /_sandbox/dataset`). */
export type SandboxProcessDataset = {
  ids: SandboxAssets & { appId: string };
  ads: { adId: string; campaignId: string; adAccountId: string }[];
};

export type SandboxProcess = { handle: ServiceHandle; url: string; dataset: SandboxProcessDataset };

/**
 * The Meta sandbox as a process, run by its own `main.ts` as the demo runs it (a service's tests that may not
 * import the tool use this), signing with `appSecret`; `env` adds variables (`SANDBOX_LATENCY_MS`…).
 */
export async function startSandboxProcess(
  appSecret: string,
  env: Record<string, string> = {},
): Promise<SandboxProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const handle = await startServiceProcess(
    'meta-sandbox',
    { SANDBOX_PORT: String(port), META_APP_SECRET: appSecret, ...env },
    { script: join(REPO_ROOT, 'tools/meta-sandbox/src/main.ts'), healthUrl: `${url}/_sandbox/health` },
  );
  const dataset = (await (await fetch(`${url}/_sandbox/dataset`)).json()) as SandboxProcessDataset;
  return { handle, url, dataset };
}
