import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import {
  DomainError,
  EventPayloadClasses,
  Streams,
  parsePayload,
  type EventPayload,
  type EventSubject,
  type StreamDefinition,
} from '@crm/contracts';
import type { ClassConstructor } from 'class-transformer';

export type ConsumeOptions<S extends EventSubject> = {
  /** Durable consumer name: one per (service, purpose), e.g. `automation-service.lead-created`. */
  durable: string;
  subject: S;
  /**
   * Contract class the payload is validated against (default: the subject's class in `EventPayloadClasses`);
   * an invalid payload is logged and terminated, never retried.
   */
  payload?: ClassConstructor<EventPayload<S>>;
  handler: (
    payload: EventPayload<S>,
    meta: { subject: string; redeliveries: number; streamSequence: number },
  ) => Promise<void>;
  /**
   * Deliveries before a failing message is given up. Default: never — a transient failure (database or a
   * service down for minutes) must not lose the event, so it is retried with backoff capped at a minute.
   * Only permanent errors (invalid payload, VALIDATION, NOT_FOUND) end a message early.
   */
  maxDeliver?: number;
};

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function streamFor(subject: string, streams: readonly StreamDefinition[] = Streams): StreamDefinition {
  const stream = streams.find((s) => s.subjects.some((pattern) => subjectMatches(pattern, subject)));
  if (!stream) throw new Error(`no JetStream stream carries ${subject}`);
  return stream;
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/**
 * Durable messaging on JetStream: publish with a dedupe id, consume with explicit acks and bounded redelivery.
 * Anything that must not be lost (domain events, webhook bodies) goes through here, never through a bare NATS event.
 */
@Injectable()
export class JetStreamService implements OnApplicationShutdown {
  private readonly logger = new Logger('JetStream');
  private connection?: NatsConnection;
  private manager?: JetStreamManager;
  private client?: JetStreamClient;
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];

  async connect(servers: string, name: string): Promise<void> {
    this.connection = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    this.manager = await this.connection.jetstreamManager();
    this.client = this.connection.jetstream();
    await this.ensureStreams();
  }

  get isConnected(): boolean {
    return !!this.connection && !this.connection.isClosed();
  }

  /** Round trip to the server; throws when NATS is unreachable. */
  async ping(): Promise<void> {
    if (!this.connection) throw new Error('not connected');
    await this.connection.flush();
  }

  private async ensureStreams(): Promise<void> {
    const manager = this.requireManager();
    for (const stream of Streams) {
      const config = {
        name: stream.name,
        subjects: stream.subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(stream.duplicateWindowSeconds * 1000),
        max_age: nanos(30 * 24 * 3600 * 1000),
      };
      try {
        await manager.streams.info(stream.name);
        await manager.streams.update(stream.name, config);
      } catch {
        await manager.streams.add(config);
      }
    }
  }

  /** The largest message the server accepts (`max_payload`, bytes), once connected. */
  get maxPayload(): number | undefined {
    return this.connection?.info?.max_payload;
  }

  /**
   * Publish durably. `messageId` makes a re-publish within the duplicate window a no-op (returns `duplicate: true`).
   * A payload larger than the server's `max_payload` is a `PayloadTooLargeError` (retrying cannot store it).
   */
  async publish<S extends EventSubject>(
    subject: S,
    payload: EventPayload<S>,
    messageId?: string,
  ): Promise<{ duplicate: boolean; seq: number }> {
    const data = encoder.encode(JSON.stringify(payload));
    const limit = this.maxPayload;
    if (limit !== undefined && data.length > limit)
      throw new PayloadTooLargeError(subject, data.length, limit);
    const ack = await this.requireClient().publish(subject, data, { msgID: messageId });
    return { duplicate: ack.duplicate, seq: ack.seq };
  }

  async consume<S extends EventSubject>(options: ConsumeOptions<S>): Promise<void> {
    const manager = this.requireManager();
    const stream = streamFor(options.subject);
    const maxDeliver = options.maxDeliver ?? -1;
    // NATS consumer names may not contain '.', '*', '>' or whitespace: `crm-service.leadgen` → `crm-service_leadgen`.
    const durable = durableName(options.durable);
    const consumerConfig = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: options.subject,
      max_deliver: maxDeliver,
      ack_wait: nanos(ACK_WAIT_MS),
    };
    try {
      await manager.consumers.info(stream.name, durable);
      await manager.consumers.update(stream.name, durable, consumerConfig);
    } catch {
      await manager.consumers.add(stream.name, consumerConfig);
    }
    const consumer = await this.requireClient().consumers.get(stream.name, durable);
    // A small buffer: messages waiting behind a slow handler would otherwise outlive ack_wait and come back.
    const messages = await consumer.consume({ max_messages: 16 });
    this.subscriptions.push(messages);
    this.loops.push(
      (async () => {
        for await (const message of messages) {
          const redeliveries = message.info.redeliveryCount - 1;
          let data: EventPayload<S>;
          try {
            data = parsePayload(
              options.payload ?? EventPayloadClasses[options.subject],
              JSON.parse(decoder.decode(message.data)),
            );
          } catch (error) {
            this.logger.error(
              `${options.durable}: dropping invalid message on ${message.subject}: ${describe(error)}`,
            );
            message.term();
            continue;
          }
          message.working();
          try {
            await options.handler(data, {
              subject: message.subject,
              redeliveries,
              streamSequence: message.info.streamSequence,
            });
            message.ack();
          } catch (error) {
            const permanent =
              error instanceof DomainError && ['VALIDATION', 'NOT_FOUND'].includes(error.code);
            if (permanent || (maxDeliver > 0 && redeliveries + 1 >= maxDeliver)) {
              this.logger.error(
                `${options.durable}: giving up on ${message.subject} #${message.info.streamSequence}: ${describe(error)}`,
              );
              message.term();
            } else {
              const delay = retryDelayMs(redeliveries);
              const line = `${options.durable}: retrying ${message.subject} #${message.info.streamSequence} (attempt ${redeliveries + 1}) in ${delay} ms: ${describe(error)}`;
              if (redeliveries > 0 && redeliveries % 10 === 0) this.logger.error(line);
              else this.logger.warn(line);
              message.nak(delay);
            }
          }
        }
      })(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.stop();
    await Promise.allSettled(this.loops);
    if (this.connection && !this.connection.isClosed()) await this.connection.drain();
  }

  private requireManager(): JetStreamManager {
    if (!this.manager) throw new Error('JetStreamService.connect() was not called');
    return this.manager;
  }

  private requireClient(): JetStreamClient {
    if (!this.client) throw new Error('JetStreamService.connect() was not called');
    return this.client;
  }
}

/** A message larger than the NATS server's `max_payload`: raise `max_payload` (see the README) to carry it. */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly subject: string,
    readonly bytes: number,
    readonly maxPayload: number,
  ) {
    super(
      `message on ${subject} is ${bytes} bytes, over the NATS server's max_payload of ${maxPayload} bytes`,
    );
    this.name = 'PayloadTooLargeError';
  }
}

const ACK_WAIT_MS = 60_000;

/** Backoff between redeliveries of a failing message: 250 ms doubling, capped at one minute. */
export function retryDelayMs(redeliveries: number): number {
  return Math.min(60_000, 250 * 2 ** Math.min(redeliveries, 16));
}

export function durableName(name: string): string {
  return name.replace(/[.*>\s]/g, '_');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
