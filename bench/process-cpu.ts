import { readFileSync, readdirSync } from 'node:fs';
import type { Client } from 'pg';

/**
 * CPU time spent by the processes of a benchmark run, read from `/proc` (Linux; elsewhere every reading is
 * missing and the table says so). On a shared machine the wall-clock drain depends on everyone else's load; the CPU
 * seconds each of our processes used per send do not, so they show where the work goes and what a change saved.
 */

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

export type ProcessRef = { pid: number; label: string };
/** CPU seconds (user + system) per pid, with its label. */
export type CpuSample = Map<number, { label: string; seconds: number }>;

export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Pids whose command line contains every one of `parts` (e.g. the nats-server on a given port). */
export function pidsByCommand(...parts: string[]): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((part) => command.includes(part))) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The server processes (backends) serving connections to `database` right now, labelled by their client. */
export async function postgresBackends(owner: Client, database: string): Promise<ProcessRef[]> {
  const { rows } = await owner.query<{ pid: number; client: string }>(
    `SELECT pid, coalesce(nullif(application_name, ''), 'other') AS client
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows.map((row) => ({ pid: row.pid, label: `postgres, for ${row.client}` }));
}

/**
 * Transactions committed or rolled back in `database` so far (PostgreSQL's statistics, flushed within a second of
 * each transaction): the round trips a send costs, whatever the machine's load.
 */
export async function transactionsOf(owner: Client, database: string): Promise<number> {
  const { rows } = await owner.query<{ n: string }>(
    `SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  return Number(rows[0]?.n ?? 0);
}

export function sampleCpu(processes: readonly ProcessRef[]): CpuSample {
  const sample: CpuSample = new Map();
  for (const { pid, label } of processes) {
    const seconds = cpuSecondsOf(pid);
    if (seconds !== null) sample.set(pid, { label, seconds });
  }
  return sample;
}

/**
 * CPU seconds per label from `start()` to `stop()`. The processes are read every `everyMs`, because some end before
 * the run does (a killed replica, a pooled database connection closed when idle): each pid counts up to its last
 * reading, and a pid first seen after the start counts from zero (a connection opened during the run).
 */
export class CpuMeter {
  private first: CpuSample = new Map();
  private readonly last: CpuSample = new Map();
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;

  constructor(
    private readonly processes: () => Promise<ProcessRef[]>,
    private readonly everyMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.first = sampleCpu(await this.processes());
    this.timer = setInterval(() => {
      this.reading ??= this.read().finally(() => (this.reading = undefined));
    }, this.everyMs);
  }

  async stop(): Promise<Map<string, number>> {
    clearInterval(this.timer);
    await this.reading;
    await this.read();
    const totals = new Map<string, number>();
    for (const [pid, reading] of this.last) {
      const spent = reading.seconds - (this.first.get(pid)?.seconds ?? 0);
      totals.set(reading.label, (totals.get(reading.label) ?? 0) + spent);
    }
    return totals;
  }

  private async read(): Promise<void> {
    const sample = sampleCpu(await this.processes().catch(() => []));
    for (const [pid, reading] of sample) this.last.set(pid, reading);
  }
}
