import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type E2eEnvironment = {
  gatewayUrl: string;
  sandboxUrl: string;
  databaseUrl: string;
  appSecret: string;
  /**
   * Every secret of the run by name (session and OAuth-state secrets, token encryption key, Meta app secret, verify
   * token, each service's NATS password, the database passwords): the log scan asserts none reached a log line.
   */
  secrets: Record<string, string>;
  /** The file every process of the run writes its output to, one `<process> | <line>` each. */
  logFile: string;
};

export function e2eEnvironment(): E2eEnvironment {
  return JSON.parse(
    readFileSync(join(__dirname, '../../tmp/e2e-environment.json'), 'utf8'),
  ) as E2eEnvironment;
}
