import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type E2eEnvironment = {
  gatewayUrl: string;
  sandboxUrl: string;
  databaseUrl: string;
  appSecret: string;
};

export function e2eEnvironment(): E2eEnvironment {
  return JSON.parse(
    readFileSync(join(__dirname, '../../tmp/e2e-environment.json'), 'utf8'),
  ) as E2eEnvironment;
}
