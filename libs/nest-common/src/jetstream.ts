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
  type JsMsg,
  type NatsConnection,
} from 'nats';
import {
  EventPayloadClasses,
  Streams,
  parsePayload,
  type EventPayload,
  type EventSubject,
  type StreamDefinition,
} from '@crm/contracts';
import type { ClassConstructor } from 'class-transformer';
import type { DeadLetterSink } from './durable/dead-letters';
import { natsConnectOptions, warnIfNatsOpen, type NatsAuth } from './nats-connection';
import { backoffMs, decideFailure, describeFailure, failureOf, type Backoff } from './worker/failure-policy';

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
   * Deliveries before a transiently failing message is parked (default: the service's `JETSTREAM_MAX_DELIVER`).
   * Permanent failures (see `classifyFailure`) are parked at once.
   */
  maxDeliver?: number;
  /**
   * Messages handled at once by this replica (default 1: in stream order). Only for subjects whose messages do not
   * depend on each other's order, e.g. webhook parts (each part is self-contained and its effects are idempotent).
   */
  concurrency?: number;
  /**
   * Where a NEW durable starts (default `all`: every message still on the stream). `new` is for observers that only
   * care about what is published after they subscribe, e.g. a test waiting for its own event on a busy stream.
   */
  from?: 'all' | 'new';
};

/** How consumers retry and where they park: set once per service (`MessagingModule.forRoot`). */
export type DeliveryPolicy = {
  /** Deliveries of a message before a transient failure parks it. */
  maxDeliver: number;
  /** Redelivery delay: `baseMs` doubling per delivery, capped at `maxMs`. */
  backoff: Backoff;
};

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxDeliver: 10,
  backoff: { baseMs: 250, maxMs: 60_000 },
};

/** How long and how much a stream keeps (JetStream `max_age`, `max_bytes`; -1 bytes = no size limit). */
export type StreamLimits = { maxAgeHours: number; maxBytes: number };

/** Env variable prefix of each stream's limits, and their defaults (docs/OPERATIONS.md "Data retention"). */
const STREAM_LIMITS: Record<string, { env: string; defaults: StreamLimits }> = {
  // Raw Meta bodies (contacts' names and phones): handled within seconds; 72 h rides out a weekend outage.
  META_WEBHOOKS: { env: 'JETSTREAM_WEBHOOKS', defaults: { maxAgeHours: 72, maxBytes: 1024 ** 3 } },
  CRM_EVENTS: { env: 'JETSTREAM_EVENTS', defaults: { maxAgeHours: 30 * 24, maxBytes: -1 } },
};

/**
 * Each stream's limits from `<PREFIX>_MAX_AGE_HOURS` / `<PREFIX>_MAX_BYTES` (every process that connects applies
 * them, so all services must share the values). The age may not be shorter than the duplicate window.
 */
export function streamLimitsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  streams: readonly StreamDefinition[] = Streams,
): Record<string, StreamLimits> {
  const limits: Record<string, StreamLimits> = {};
  for (const stream of streams) {
    const known = STREAM_LIMITS[stream.name];
    if (!known) throw new Error(`no limits known for stream ${stream.name}`);
    const read = (name: string, fallback: number, min: number): number => {
      const raw = env[`${known.env}_${name}`];
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min)
        throw new Error(`${known.env}_${name} must be an integer >= ${min} (got "${raw}")`);
      return value;
    };
    limits[stream.name] = {
      maxAgeHours: read(
        'MAX_AGE_HOURS',
        known.defaults.maxAgeHours,
        Math.ceil(stream.duplicateWindowSeconds / 3600),
      ),
      maxBytes: read('MAX_BYTES', known.defaults.maxBytes, -1),
    };
  }
  return limits;
}

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
  private delivery: DeliveryPolicy = DEFAULT_DELIVERY_POLICY;
  private deadLetters?: DeadLetterSink;

  /**
   * Where consumers park the messages they give up on (the service's `<schema>.dead_letters`) and how they retry.
   * Without a sink (a service with no database), a message given up on is logged and terminated.
   */
  configureDelivery(options: { policy?: Partial<DeliveryPolicy>; deadLetters?: DeadLetterSink }): void {
    this.delivery = { ...this.delivery, ...options.policy };
    if (options.deadLetters) this.deadLetters = options.deadLetters;
  }

  /** Connects with the process's NATS user and TLS (`natsConnectOptions`); warns when the server needs no login. */
  async connect(servers: string, name: string, auth?: NatsAuth): Promise<void> {
    this.connection = await connect({
      ...natsConnectOptions(servers, auth),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    warnIfNatsOpen(this.connection, this.logger);
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
    const limits = streamLimitsFromEnv();
    for (const stream of Streams) {
      const config = {
        name: stream.name,
        subjects: stream.subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(stream.duplicateWindowSeconds * 1000),
        max_age: nanos(limits[stream.name]!.maxAgeHours * 3600 * 1000),
        max_bytes: limits[stream.name]!.maxBytes,
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

  /** Publish a body as it is (a replayed dead letter, which may not even be JSON). */
  async publishRaw(
    subject: string,
    body: string,
    messageId?: string,
  ): Promise<{ duplicate: boolean; seq: number }> {
    const ack = await this.requireClient().publish(subject, encoder.encode(body), { msgID: messageId });
    return { duplicate: ack.duplicate, seq: ack.seq };
  }

  async consume<S extends EventSubject>(options: ConsumeOptions<S>): Promise<void> {
    const manager = this.requireManager();
    const stream = streamFor(options.subject);
    const maxDeliver = options.maxDeliver ?? this.delivery.maxDeliver;
    // NATS consumer names may not contain '.', '*', '>' or whitespace: `crm-service.leadgen` → `crm-service_leadgen`.
    const durable = durableName(options.durable);
    const consumerConfig = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: options.from === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      filter_subject: options.subject,
      // The delivery limit is enforced here, not by the server: a server-side max_deliver would silently drop a
      // message whose parking failed (database down). Past the limit every delivery tries to park it again.
      max_deliver: -1,
      ack_wait: nanos(ACK_WAIT_MS),
    };
    try {
      await manager.consumers.info(stream.name, durable);
      await manager.consumers.update(stream.name, durable, consumerConfig);
    } catch {
      await manager.consumers.add(stream.name, consumerConfig);
    }
    const consumer = await this.requireClient().consumers.get(stream.name, durable);
    const concurrency = Math.min(MAX_CONCURRENCY, Math.max(1, options.concurrency ?? 1));
    // A small buffer: messages waiting behind a slow handler would otherwise outlive ack_wait and come back.
    const messages = await consumer.consume({ max_messages: Math.max(16, concurrency * 2) });
    this.subscriptions.push(messages);
    this.loops.push(
      (async () => {
        const inFlight = new Set<Promise<void>>();
        for await (const message of messages) {
          // `deliver` never throws: each delivery ends in ack, nak or park on its own.
          const delivery: Promise<void> = this.deliver(options, message, maxDeliver).finally(() =>
            inFlight.delete(delivery),
          );
          inFlight.add(delivery);
          if (inFlight.size >= concurrency) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      })(),
    );
  }

  /** One delivery: validate, handle, then ack, nak with backoff, or park and terminate. Never throws. */
  private async deliver<S extends EventSubject>(
    options: ConsumeOptions<S>,
    message: JsMsg,
    maxDeliver: number,
  ): Promise<void> {
    const attempt = message.info.redeliveryCount;
    const body = decoder.decode(message.data);
    const where = `${options.durable}: ${message.subject} #${message.info.streamSequence}`;
    let data: EventPayload<S>;
    try {
      data = parsePayload(options.payload ?? EventPayloadClasses[options.subject], JSON.parse(body));
    } catch (error) {
      await this.giveUp(options, message, body, error, 'permanent');
      return;
    }
    message.working();
    try {
      await options.handler(data, {
        subject: message.subject,
        redeliveries: attempt - 1,
        streamSequence: message.info.streamSequence,
      });
      message.ack();
    } catch (error) {
      const decision = decideFailure(error, attempt, {
        maxAttempts: maxDeliver > 0 ? maxDeliver : undefined,
        backoff: this.delivery.backoff,
      });
      if (decision.action === 'park') {
        await this.giveUp(options, message, body, error, decision.reason);
        return;
      }
      const line = `${where}: retrying (attempt ${attempt}) in ${decision.delayMs} ms: ${describeFailure(error)}`;
      if (attempt > 1 && attempt % 10 === 0) this.logger.error(line);
      else this.logger.warn(line);
      message.nak(decision.delayMs);
    }
  }

  /** Park the message in the service's dead-letter table, then terminate it; if it cannot be parked, nak it. */
  private async giveUp<S extends EventSubject>(
    options: ConsumeOptions<S>,
    message: JsMsg,
    body: string,
    error: unknown,
    reason: 'permanent' | 'exhausted',
  ): Promise<void> {
    const where = `${options.durable}: ${message.subject} #${message.info.streamSequence}`;
    const failure = failureOf(error);
    if (!this.deadLetters) {
      this.logger.error(`${where}: giving up (${reason}): ${failure.code}: ${failure.message}`);
      message.term();
      return;
    }
    try {
      await this.deadLetters.park({
        consumer: options.durable,
        subject: message.subject,
        streamSequence: message.info.streamSequence,
        payload: body,
        errorCode: failure.code,
        errorMessage: failure.message,
        reason,
        attempts: message.info.redeliveryCount,
      });
    } catch (parkError) {
      // The database is down: keep the message on the stream and try again later.
      const delay = backoffMs(message.info.redeliveryCount, this.delivery.backoff);
      this.logger.error(
        `${where}: could not park (${describeFailure(parkError)}); redelivered in ${delay} ms`,
      );
      message.nak(delay);
      return;
    }
    this.logger.error(
      `${where}: parked (${reason}) after ${message.info.redeliveryCount} delivery(ies): ${failure.code}: ${failure.message}`,
    );
    message.term();
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
/** Upper bound of `ConsumeOptions.concurrency`. */
const MAX_CONCURRENCY = 64;

/** Backoff between redeliveries of a failing message with the default policy: 250 ms doubling, capped at a minute. */
export function retryDelayMs(redeliveries: number): number {
  return backoffMs(redeliveries + 1, DEFAULT_DELIVERY_POLICY.backoff);
}

export function durableName(name: string): string {
  return name.replace(/[.*>\s]/g, '_');
}
