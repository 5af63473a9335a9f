/**
 * Ops CLI for parked JetStream messages (`<schema>.dead_letters` of a service):
 *   npm run dead-letters -- list [--status parked|replayed|discarded] [--consumer NAME] --service crm-service
 *   npm run dead-letters -- show <id> --service meta-ads-service
 *   npm run dead-letters -- replay <id> --service meta-ads-service   (republish to the original subject)
 *   npm run dead-letters -- discard <id> --service automation-service (row kept for audit)
 * Uses DATABASE_URL (and NATS_URL for replay), like the services.
 */
import { DeadLetterStore, JetStreamService, type DeadLetter, type DeadLetterStatus } from '@crm/nest-common';
import { DataSource } from 'typeorm';

export const SERVICE_SCHEMAS: Record<string, string> = {
  'crm-service': 'crm',
  'meta-ads-service': 'meta_ads',
  'automation-service': 'automation',
};

const USAGE =
  'usage: dead-letters list|show <id>|replay <id>|discard <id> --service <crm-service|meta-ads-service|automation-service> [--status S] [--consumer C]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Parsed = { command: string; id?: string; service: string; status?: DeadLetterStatus; consumer?: string };

export function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${argv[i]} needs a value\n${USAGE}`);
      flags[argv[i].slice(2)] = value;
      i++;
    } else positional.push(argv[i]);
  }
  const [command, id] = positional;
  if (!['list', 'show', 'replay', 'discard'].includes(command)) throw new Error(USAGE);
  if (command !== 'list' && !(id && UUID.test(id)))
    throw new Error(`${command} needs a dead letter id\n${USAGE}`);
  if (!flags.service || !SERVICE_SCHEMAS[flags.service]) throw new Error(USAGE);
  const status = flags.status as DeadLetterStatus | undefined;
  if (status && !['parked', 'replayed', 'discarded'].includes(status)) throw new Error(USAGE);
  return { command, id, service: flags.service, status, consumer: flags.consumer };
}

function line(letter: DeadLetter): string {
  return [
    letter.id,
    letter.status,
    letter.parkedAt,
    letter.consumer,
    `${letter.subject}#${letter.streamSequence}`,
    `${letter.reason}/${letter.attempts}`,
    `${letter.errorCode}: ${letter.errorMessage}`,
  ].join('\t');
}

/** Runs one command; returns what to print. Throws with a one-line message on bad input or a missing row. */
export async function runDeadLetters(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const args = parseArgs(argv);
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const dataSource = await new DataSource({ type: 'postgres', url: env.DATABASE_URL }).initialize();
  try {
    const store = new DeadLetterStore(dataSource, SERVICE_SCHEMAS[args.service]);
    if (args.command === 'list') {
      const letters = await store.list({ status: args.status ?? 'parked', consumer: args.consumer });
      return letters.length === 0 ? 'no dead letters' : letters.map(line).join('\n');
    }
    const id = args.id!;
    if (args.command === 'show') {
      const letter = await store.get(id);
      if (!letter) throw new Error(`no dead letter ${id}`);
      return `${line(letter)}\n${letter.payload}`;
    }
    if (args.command === 'discard') {
      const letter = await store.discard(id);
      if (!letter) throw new Error(`no parked dead letter ${id}`);
      return `discarded ${id}`;
    }
    const jetstream = new JetStreamService();
    await jetstream.connect(env.NATS_URL ?? 'nats://127.0.0.1:4222', 'dead-letters-cli');
    try {
      const letter = await store.replay(id, async (subject, body, messageId) => {
        await jetstream.publishRaw(subject, body, messageId);
      });
      if (!letter) throw new Error(`no parked dead letter ${id}`);
      return `replayed ${id} to ${letter.subject}`;
    } finally {
      await jetstream.onApplicationShutdown();
    }
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runDeadLetters(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${output}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
