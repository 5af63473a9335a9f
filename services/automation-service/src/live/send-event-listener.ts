import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Live, SEND_STATES, type AutomationLiveEvent, type SendState } from '@crm/contracts';
import { natsConnectOptions } from '@crm/nest-common';
import Redis from 'ioredis';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { Client, type Notification } from 'pg';
import { SEND_EVENT_CHANNEL } from '../database/migrations/1768500000000-LiveSendEventsAndLeadOutcomes';

export type LiveSettings = { databaseUrl: string; natsUrl: string; redisUrl: string };
export const LIVE_SETTINGS = Symbol('LIVE_SETTINGS');

/** A claim on one send event lasts this long: far longer than any replica takes to see the same NOTIFY. */
const CLAIM_TTL_SECONDS = 60;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

type NotifyPayload = {
  id: string;
  tenantId: string;
  sendId: string;
  ruleKey: string | null;
  leadId: string | null;
  status: string;
  at: string;
  detail: string | null;
};

/** The NOTIFY payload as the live event, or null when it is not one (never throws on a foreign payload). */
export function toLiveEvent(raw: string | undefined): AutomationLiveEvent | null {
  if (!raw) return null;
  let payload: Partial<NotifyPayload>;
  try {
    payload = JSON.parse(raw) as Partial<NotifyPayload>;
  } catch {
    return null;
  }
  if (!payload.id || !payload.tenantId || !payload.sendId || !payload.status || !payload.at) return null;
  if (!(SEND_STATES as readonly string[]).includes(payload.status)) return null;
  return {
    eventId: payload.id,
    tenantId: payload.tenantId,
    sendId: payload.sendId,
    ruleKey: payload.ruleKey ?? '',
    leadId: payload.leadId ?? '',
    status: payload.status as SendState,
    at: new Date(payload.at).toISOString(),
    detail: payload.detail ?? null,
  };
}

/**
 * Redis key of the claim on one send event: whoever sets it first publishes it. The event id is a sequence of the
 * database, which starts again in a new one (a restored backup, a test run's fresh database on a shared Redis): the
 * send and the event's time make the key one event's alone, or a claim left by the other database would drop it.
 */
export function claimKey(event: Pick<AutomationLiveEvent, 'tenantId' | 'eventId' | 'sendId' | 'at'>): string {
  return `automation:live:${event.tenantId}:${event.eventId}:${event.sendId}:${event.at}`;
}

/**
 * Live log feed: every replica LISTENs (a dedicated connection, reconnected with backoff) to the NOTIFY that the
 * `send_events` trigger raises at commit, and the replica that wins `SET NX` on the event's id publishes it on core
 * NATS `live.automation.send.<tenantId>`, so each transition goes out once however many replicas run. Lossy by
 * design (core NATS): the page re-reads the log when its stream reconnects. If Redis is unreachable the event is
 * published anyway (the page drops a repeated `eventId`): a duplicate is better than a silent gap.
 */
@Injectable()
export class SendEventListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SendEventListener');
  private readonly codec = JSONCodec<AutomationLiveEvent>();
  private pg?: Client;
  private nats?: NatsConnection;
  private redis?: Redis;
  private closing = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly pending = new Set<Promise<void>>();

  constructor(@Inject(LIVE_SETTINGS) private readonly settings: LiveSettings) {}

  async onApplicationBootstrap(): Promise<void> {
    this.nats = await connect({
      ...natsConnectOptions(this.settings.natsUrl),
      name: 'automation-service-live',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    this.redis = new Redis(this.settings.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    await this.pg?.end().catch(() => undefined);
    await Promise.allSettled([...this.pending]);
    if (this.nats && !this.nats.isClosed()) await this.nats.drain();
    this.redis?.disconnect();
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.settings.databaseUrl,
      application_name: 'automation-live',
    });
    this.pg = client;
    client.on('notification', (message: Notification) => this.track(this.onNotification(message)));
    client.on('error', (error: Error) => {
      this.logger.warn(`listen connection: ${error.message}`);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${SEND_EVENT_CHANNEL}`);
      this.reconnectDelay = RECONNECT_MIN_MS;
    } catch (error) {
      this.logger.warn(`cannot listen: ${error instanceof Error ? error.message : String(error)}`);
      this.scheduleReconnect(client);
    }
  }

  private scheduleReconnect(client: Client): void {
    if (this.closing || this.pg !== client || this.reconnectTimer) return;
    client.end().catch(() => undefined);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing) void this.listen();
    }, delay);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async onNotification(message: Notification): Promise<void> {
    if (message.channel !== SEND_EVENT_CHANNEL) return;
    const event = toLiveEvent(message.payload);
    if (!event) return;
    if (!(await this.claim(event))) return;
    if (!this.nats || this.nats.isClosed()) return;
    this.nats.publish(`${Live.automationSendPrefix}.${event.tenantId}`, this.codec.encode(event));
  }

  private async claim(event: AutomationLiveEvent): Promise<boolean> {
    try {
      const result = await this.redis!.set(claimKey(event), '1', 'EX', CLAIM_TTL_SECONDS, 'NX');
      return result === 'OK';
    } catch (error) {
      this.logger.warn(
        `claim failed, publishing anyway: ${error instanceof Error ? error.message : String(error)}`,
      );
      return true;
    }
  }
}
