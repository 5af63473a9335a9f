import type { Logger } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { inboxPrefixOf } from '@crm/contracts';

/** How a process logs in to NATS: its user (one per service, infra/nats/users.conf) and optional TLS files. */
export type NatsAuth = {
  NATS_USER?: string;
  NATS_PASSWORD?: string;
  /** CA bundle that signed the server's certificate (turns TLS on). */
  NATS_TLS_CA?: string;
  /** Client certificate and key, for a server that verifies clients (`tls { verify: true }`). */
  NATS_TLS_CERT?: string;
  NATS_TLS_KEY?: string;
};

export type NatsConnectOptions = {
  servers: string[];
  user?: string;
  pass?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  inboxPrefix?: string;
};

/** The NATS settings of the environment (validated with the rest of the config by `BaseServiceConfig`). */
export function natsAuthFromEnv(env: NodeJS.ProcessEnv = process.env): NatsAuth {
  const pick = (key: keyof NatsAuth) => (env[key] ? env[key] : undefined);
  return {
    NATS_USER: pick('NATS_USER'),
    NATS_PASSWORD: pick('NATS_PASSWORD'),
    NATS_TLS_CA: pick('NATS_TLS_CA'),
    NATS_TLS_CERT: pick('NATS_TLS_CERT'),
    NATS_TLS_KEY: pick('NATS_TLS_KEY'),
  };
}

/**
 * Options for every NATS connection of a process (Nest's RPC client and server, JetStream, live subjects). With a
 * user, replies come to `_INBOX.<user>.>`, the only inbox that user may subscribe to.
 */
export function natsConnectOptions(url: string, auth: NatsAuth = natsAuthFromEnv()): NatsConnectOptions {
  const tls =
    auth.NATS_TLS_CA || auth.NATS_TLS_CERT || url.startsWith('tls://')
      ? { caFile: auth.NATS_TLS_CA, certFile: auth.NATS_TLS_CERT, keyFile: auth.NATS_TLS_KEY }
      : undefined;
  return {
    servers: [url],
    ...(auth.NATS_USER
      ? { user: auth.NATS_USER, pass: auth.NATS_PASSWORD, inboxPrefix: inboxPrefixOf(auth.NATS_USER) }
      : {}),
    ...(tls ? { tls } : {}),
  };
}

/** Says so, loudly, when the server let this connection in without credentials (INFO `auth_required` false). */
export function warnIfNatsOpen(connection: NatsConnection, logger: Pick<Logger, 'warn'>): boolean {
  if (connection.info?.auth_required) return false;
  logger.warn(
    'NATS accepts connections without credentials: anything that reaches it can call any RPC for any tenant, ' +
      'read OAuth tokens in flight and publish webhook parts. Start it with infra/nats/nats-server-auth.conf and set ' +
      'NATS_USER/NATS_PASSWORD (docs/SECURITY.md, "NATS").',
  );
  return true;
}
