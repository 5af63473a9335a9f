import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { SandboxState, WebhookAttempt, WebhookDelivery, WebhookKind } from '../state/sandbox-state';

/** `sha256=<hex HMAC-SHA256(body bytes, app secret)>`, the `X-Hub-Signature-256` header Meta sends. */
export const signBody = (body: string, appSecret: string): string =>
  `sha256=${createHmac('sha256', appSecret).update(body, 'utf8').digest('hex')}`;

const post = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });

export type EmittedWebhook = {
  delivery: WebhookDelivery;
  /** resolves after the first try (retries continue in the background) */
  firstAttempt: Promise<WebhookAttempt>;
  /** resolves when delivered or out of tries */
  settled: Promise<WebhookDelivery>;
};

/**
 * POST a signed webhook to the configured URL. Non-2xx and network errors are retried with exponential backoff
 * (`webhookRetryBaseMs` × 2^n, at most `webhookRetryMaxMs`, `webhookMaxAttempts` tries); every try is recorded in
 * `state.webhooks`.
 */
export const emitWebhook = (
  state: SandboxState,
  kind: WebhookKind,
  payload: unknown,
  meta: Record<string, string> = {},
): EmittedWebhook => {
  const { options } = state;
  const body = JSON.stringify(payload);
  const delivery: WebhookDelivery = {
    id: randomBytes(8).toString('hex'),
    kind,
    url: options.webhookUrl,
    body,
    signature: signBody(body, options.appSecret),
    createdAt: state.now(),
    attempts: [],
    delivered: false,
    settled: false,
    meta,
  };
  state.webhooks.push(delivery);
  const generation = state.currentGeneration;
  let resolveFirst: (attempt: WebhookAttempt) => void = () => undefined;
  const firstAttempt = new Promise<WebhookAttempt>((resolve) => {
    resolveFirst = resolve;
  });
  const run = async (): Promise<WebhookDelivery> => {
    for (let attempt = 1; attempt <= options.webhookMaxAttempts; attempt += 1) {
      if (generation !== state.currentGeneration) break;
      const started = Date.now();
      const record: WebhookAttempt = { attempt, at: state.now(), status: null, durationMs: 0 };
      try {
        record.status = await post(
          delivery.url,
          body,
          {
            'Content-Type': 'application/json',
            'X-Hub-Signature-256': delivery.signature,
            'User-Agent': 'facebookexternalua',
          },
          options.webhookTimeoutMs,
        );
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      record.durationMs = Date.now() - started;
      delivery.attempts.push(record);
      const ok = record.status !== null && record.status >= 200 && record.status < 300;
      if (attempt === 1) resolveFirst(record);
      if (ok) {
        delivery.delivered = true;
        break;
      }
      options.log(
        `webhook ${kind} ${delivery.id} try ${attempt} failed: ${record.status ?? record.error ?? ''}`,
      );
      if (attempt < options.webhookMaxAttempts)
        await state.sleep(
          Math.min(options.webhookRetryMaxMs, options.webhookRetryBaseMs * 2 ** (attempt - 1)),
        );
    }
    delivery.settled = true;
    return delivery;
  };
  const settled = run();
  return { delivery, firstAttempt, settled };
};
