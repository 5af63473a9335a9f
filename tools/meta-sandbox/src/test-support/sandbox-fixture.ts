import request from 'supertest';
import { createSandbox, type Sandbox } from '../sandbox';
import type { SandboxOptions } from '../sandbox-options';

export const TEST_SECRET = 'test-app-secret';

export const newSandbox = (options: SandboxOptions = {}): Sandbox =>
  createSandbox({ appSecret: TEST_SECRET, statusDelayMs: 5, webhookRetryBaseMs: 10, ...options });

/** Mint a long-lived token through the control API. */
export const mintToken = async (sandbox: Sandbox, body: Record<string, unknown> = {}): Promise<string> => {
  const res = await request(sandbox.app).post('/_sandbox/tokens').send(body).expect(200);
  return (res.body as { access_token: string }).access_token;
};
