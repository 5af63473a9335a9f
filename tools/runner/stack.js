// Starts the whole system as real processes: the Meta sandbox and every service, each with its own env,
// and waits until each answers /health. Used by `npm run demo` and by the end-to-end tests.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { ServiceStartError } = require('./start-up-error');

const ROOT = join(__dirname, '../..');

const SERVICE_ORDER = [
  'crm-service',
  'meta-ads-service',
  'marketing-service',
  'automation-service',
  'gateway',
];

const COLORS = {
  sandbox: 35,
  'crm-service': 36,
  'meta-ads-service': 33,
  'marketing-service': 32,
  'automation-service': 34,
  gateway: 37,
};

function defaultPorts() {
  return {
    gateway: 3000,
    'crm-service': 3101,
    'meta-ads-service': 3102,
    'marketing-service': 3103,
    'automation-service': 3104,
    sandbox: 4100,
  };
}

/** The environment of each process, from the shared settings. Secrets come from `secrets` (never defaulted here). */
function buildEnvironments({
  databaseUrl,
  natsUrl,
  natsCredentials,
  redisUrl,
  ports,
  secrets,
  frontendDist,
  logLevel = 'log',
  graphVersion = 'v23.0',
  extra = {},
}) {
  const host = '127.0.0.1';
  const sandboxUrl = `http://${host}:${ports.sandbox}`;
  const gatewayUrl = `http://${host}:${ports.gateway}`;
  const meta = {
    META_GRAPH_URL: sandboxUrl,
    META_GRAPH_VERSION: graphVersion,
    META_APP_ID: secrets.META_APP_ID,
    META_APP_SECRET: secrets.META_APP_SECRET,
  };
  const common = {
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    LOG_LEVEL: logLevel,
    ...meta,
  };
  /** The service's own NATS user (`natsCredentials[service]`), when the NATS was started with users. */
  const nats = (service) => natsCredentials?.[service] ?? {};
  return {
    sandbox: {
      SANDBOX_PORT: String(ports.sandbox),
      SANDBOX_HOST: host,
      SANDBOX_PUBLIC_URL: sandboxUrl,
      SANDBOX_WEBHOOK_URL: `${gatewayUrl}/webhooks/meta`,
      SANDBOX_STATUS_DELAY_MS: extra.SANDBOX_STATUS_DELAY_MS ?? '700',
      META_APP_ID: secrets.META_APP_ID,
      META_APP_SECRET: secrets.META_APP_SECRET,
    },
    'crm-service': { ...common, ...nats('crm-service'), HTTP_PORT: String(ports['crm-service']) },
    'meta-ads-service': {
      ...common,
      ...nats('meta-ads-service'),
      HTTP_PORT: String(ports['meta-ads-service']),
      TOKEN_ENCRYPTION_KEY: secrets.TOKEN_ENCRYPTION_KEY,
    },
    'marketing-service': {
      ...common,
      ...nats('marketing-service'),
      HTTP_PORT: String(ports['marketing-service']),
    },
    'automation-service': {
      ...common,
      ...nats('automation-service'),
      HTTP_PORT: String(ports['automation-service']),
      SCHEDULER_POLL_MS: extra.SCHEDULER_POLL_MS ?? '500',
    },
    gateway: {
      NATS_URL: natsUrl,
      ...nats('gateway'),
      LOG_LEVEL: logLevel,
      ...meta,
      HTTP_PORT: String(ports.gateway),
      PUBLIC_URL: gatewayUrl,
      META_OAUTH_DIALOG_URL: `${sandboxUrl}/${graphVersion}/dialog/oauth`,
      META_WEBHOOK_VERIFY_TOKEN: secrets.META_WEBHOOK_VERIFY_TOKEN,
      SESSION_SECRET: secrets.SESSION_SECRET,
      OAUTH_STATE_SECRET: secrets.OAUTH_STATE_SECRET,
      COOKIE_SECURE: 'false',
      FRONTEND_DIST: frontendDist ?? join(ROOT, 'frontend/dist'),
    },
  };
}

function scriptFor(name) {
  return name === 'sandbox'
    ? join(ROOT, 'tools/meta-sandbox/src/main.ts')
    : join(ROOT, 'services', name, 'src/main.ts');
}

function healthUrl(name, ports) {
  return name === 'sandbox'
    ? `http://127.0.0.1:${ports.sandbox}/_sandbox/dataset`
    : `http://127.0.0.1:${ports[name]}/health`;
}

async function waitHealthy(name, url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServiceStartError({ service: name, exitCode: child.exitCode, signal: child.signalCode });
    }
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new ServiceStartError({ service: name, url, timeoutMs });
}

/**
 * Start the sandbox and all services. `output` receives every log line prefixed with the process name.
 * A process that exits, or does not answer its health URL in time, rejects with a ServiceStartError.
 * Returns `{ urls, processes, stop() }`.
 */
async function startStack(options) {
  const ports = options.ports ?? defaultPorts();
  const envs = buildEnvironments({ ...options, ports });
  const output = options.output ?? ((name, line) => process.stdout.write(`${prefix(name)} ${line}\n`));
  const processes = [];
  const stop = async () => {
    await Promise.all([...processes].reverse().map(({ child }) => stopChild(child)));
  };
  // Aborting `options.signal` while starting stops what was started; startStack then rejects.
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  try {
    for (const name of ['sandbox', ...SERVICE_ORDER]) {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', scriptFor(name)], {
        cwd: ROOT,
        env: { ...process.env, ...envs[name], ...(options.envOverrides?.[name] ?? {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      pipeLines(child.stdout, (line) => output(name, line));
      pipeLines(child.stderr, (line) => output(name, line));
      processes.push({ name, child });
    }
    await Promise.all(
      processes.map(({ name, child }) =>
        waitHealthy(name, healthUrl(name, ports), child, options.timeoutMs ?? 60_000),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    urls: { gateway: `http://127.0.0.1:${ports.gateway}`, sandbox: `http://127.0.0.1:${ports.sandbox}` },
    processes,
    stop,
  };
}

function pipeLines(stream, onLine) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk.toString();
    let index;
    while ((index = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, index));
      buffer = buffer.slice(index + 1);
    }
  });
  stream.on('end', () => buffer && onLine(buffer));
}

function prefix(name) {
  const color = COLORS[name] ?? 37;
  return `\x1b[${color}m${name.padEnd(18)}\x1b[0m|`;
}

function stopChild(child, timeoutMs = 8000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

module.exports = {
  startStack,
  buildEnvironments,
  defaultPorts,
  stopChild,
  pipeLines,
  prefix,
  ROOT,
  SERVICE_ORDER,
};
