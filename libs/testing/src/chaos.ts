import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceHandle } from './infra';

/**
 * Chaos tooling (issue 9, "The proofs → Chaos"): a round-robin HTTP front like a load balancer before the gateway's
 * replicas, and a killer that `kill -9`s a random replica every few seconds and restarts it as a supervisor would.
 */

export type RoundRobinFront = {
  /** `http://127.0.0.1:<port>` (paths are passed through unchanged). */
  url: string;
  /** Requests answered by a replica; replicas skipped (connection refused); requests cut by a kill (502); none up (503). */
  stats: { forwarded: number; skipped: number; cut: number; unavailable: number };
  close(): Promise<void>;
};

const FRONT_TIMEOUT_MS = 30_000;

/**
 * A tiny load balancer: each request goes to the next replica in turn; a replica that refuses the connection (dead)
 * is skipped; a request a kill cuts mid-way answers 502 (the sender retries, as Meta does), none up answers 503.
 * `ports` is read at every request, so a restarted replica on a new port is found.
 */
export async function startRoundRobinFront(ports: () => readonly number[]): Promise<RoundRobinFront> {
  const stats = { forwarded: 0, skipped: 0, cut: 0, unavailable: 0 };
  let next = 0;
  const forward = (
    port: number,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): Promise<'refused' | 'done'> =>
    new Promise((resolve) => {
      const headers = { ...req.headers, host: `127.0.0.1:${port}`, connection: 'close' };
      const upstream = http.request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: false },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            stats.forwarded += 1;
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
            resolve('done');
          });
          answer.on('error', () => {
            stats.cut += 1;
            res.writeHead(502).end();
            resolve('done');
          });
        },
      );
      upstream.setTimeout(FRONT_TIMEOUT_MS, () => upstream.destroy(new Error('front timeout')));
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (res.headersSent) return resolve('done');
        if (error.code === 'ECONNREFUSED') return resolve('refused');
        // Sent, but the replica died (or hung) before answering: the sender cannot know, so it retries.
        stats.cut += 1;
        res.writeHead(502).end();
        resolve('done');
      });
      upstream.end(body);
    });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const list = ports();
      // Each replica once per request, from this request's turn (concurrent requests move `next` meanwhile).
      const first = next++;
      for (let tried = 0; tried < list.length; tried++) {
        const port = list[(first + tried) % list.length];
        if ((await forward(port, req, body, res)) === 'done') return;
        stats.skipped += 1;
      }
      stats.unavailable += 1;
      res.writeHead(503).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A service whose replicas the killer may kill: its current handles, and how to restart the one at `index`. */
export type ChaosTarget = {
  service: string;
  replicas: () => readonly ServiceHandle[];
  restart: (index: number) => Promise<unknown>;
};

export type ChaosKill = {
  /** ms since the killer started */
  at: number;
  service: string;
  index: number;
  pid: number | undefined;
  /** ms from the kill until the restarted replica answered /health (undefined while restarting or if it failed) */
  backAfterMs?: number;
};

export type ChaosMonkey = {
  kills: ChaosKill[];
  /** Restarts that failed (the run is then not a proof). */
  errors: string[];
  /** Stop killing and wait until every killed replica is back. */
  stop(): Promise<void>;
};

const alive = (handle: ServiceHandle) => handle.child.exitCode === null && handle.child.signalCode === null;

/**
 * Every `everyMs` (± 25 %), SIGKILL a random live replica of a random service that has at least two live ones (never
 * the last; among those, one killed least so far), then restart it after `restartAfterMs`, as a supervisor would.
 * `random` makes a run repeatable.
 */
export function startChaosMonkey({
  targets,
  everyMs,
  restartAfterMs,
  random = Math.random,
  log = () => undefined,
}: {
  targets: readonly ChaosTarget[];
  everyMs: number;
  restartAfterMs: number;
  random?: () => number;
  log?: (line: string) => void;
}): ChaosMonkey {
  const started = Date.now();
  const kills: ChaosKill[] = [];
  const errors: string[] = [];
  const down = new Set<string>();
  const restarts = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const killOne = () => {
    const eligible = targets
      .map((target) => ({
        target,
        live: target
          .replicas()
          .map((handle, index) => ({ handle, index }))
          .filter(({ handle, index }) => alive(handle) && !down.has(`${target.service}#${index}`)),
      }))
      .filter(({ live }) => live.length >= 2);
    // Among the services killed least so far, so a short run still kills each of them.
    const killsOf = (service: string) => kills.filter((k) => k.service === service).length;
    const fewest = Math.min(...eligible.map(({ target }) => killsOf(target.service)));
    const least = eligible.filter(({ target }) => killsOf(target.service) === fewest);
    if (least.length === 0) return;
    const { target, live } = least[Math.floor(random() * least.length)];
    const { handle, index } = live[Math.floor(random() * live.length)];
    const key = `${target.service}#${index}`;
    const kill: ChaosKill = {
      at: Date.now() - started,
      service: target.service,
      index,
      pid: handle.child.pid,
    };
    down.add(key);
    handle.child.kill('SIGKILL');
    kills.push(kill);
    log(`[chaos] +${(kill.at / 1000).toFixed(1)} s kill -9 ${key} (pid ${kill.pid})`);
    const restart: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, restartAfterMs))
      .then(() => target.restart(index))
      .then(
        () => {
          kill.backAfterMs = Date.now() - started - kill.at;
          log(`[chaos] ${key} back after ${(kill.backAfterMs / 1000).toFixed(1)} s`);
        },
        (error: unknown) => {
          errors.push(`${key} did not restart: ${String(error).slice(0, 2000)}`);
        },
      )
      .finally(() => {
        down.delete(key);
        restarts.delete(restart);
      });
    restarts.add(restart);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        killOne();
        schedule();
      },
      everyMs * (0.75 + random() / 2),
    );
  };
  schedule();
  return {
    kills,
    errors,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      while (restarts.size > 0) await Promise.all([...restarts]);
    },
  };
}
