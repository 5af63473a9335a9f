import { createSandbox } from './sandbox';

const port = Number(process.env.SANDBOX_PORT ?? 4100);
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const statusDelay = process.env.SANDBOX_STATUS_DELAY_MS;
const latency = process.env.SANDBOX_LATENCY_MS;
/** `50x20`: 50 extra lead campaigns of 20 ads each in the main ad account (benchmarks). */
const extra = /^(\d+)x(\d+)$/.exec(process.env.SANDBOX_EXTRA_CAMPAIGNS ?? '');

const sandbox = createSandbox({
  appId: process.env.META_APP_ID,
  appSecret: process.env.META_APP_SECRET,
  webhookUrl: process.env.SANDBOX_WEBHOOK_URL,
  publicUrl: process.env.SANDBOX_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
  statusDelayMs: statusDelay !== undefined && statusDelay !== '' ? Number(statusDelay) : undefined,
  latencyMs: latency !== undefined && latency !== '' ? Number(latency) : undefined,
  extraCampaigns: extra ? { campaigns: Number(extra[1]), adsPerCampaign: Number(extra[2]) } : undefined,
  log: (line) => process.stdout.write(`[meta-sandbox] ${line}\n`),
});

sandbox
  .listen(port, host)
  .then((server) => {
    process.stdout.write(
      `[meta-sandbox] listening on ${server.url} (webhooks → ${sandbox.options.webhookUrl})\n`,
    );
    const shutdown = (): void => {
      void server.close().then(() => process.exit(0));
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  })
  .catch((error: unknown) => {
    process.stderr.write(
      `[meta-sandbox] failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
