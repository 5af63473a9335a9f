import {
  Controller,
  Get,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  Req,
  Res,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Live, MODULE_ROLES } from '@crm/contracts';
import { natsConnectOptions } from '@crm/nest-common';
import type { Request, Response } from 'express';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayHttpError } from '../http/http-error';

/** Limits of the live log stream (per gateway replica). */
export const LIVE_LIMITS = {
  /** A comment line this often keeps proxies from closing an idle stream and lets the browser notice a dead one. */
  heartbeatMs: 15_000,
  /** Streams are closed after this long; the browser reconnects on its own (and re-reads the log). */
  maxLifetimeMs: 30 * 60_000,
  perUser: 5,
  perTenant: 50,
  /** A client that does not read: once this much is buffered its stream is closed instead of growing memory. */
  maxBufferedBytes: 256 * 1024,
  /** What the browser waits before reconnecting (`retry:` field). */
  retryMs: 3_000,
};

/** The gateway's own core NATS connection for live subjects (the RPC client is Nest's and speaks its own framing). */
@Injectable()
export class LiveNats implements OnApplicationShutdown {
  private connection?: Promise<NatsConnection>;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  subscribe(subject: string): Promise<Subscription> {
    this.connection ??= connect({
      ...natsConnectOptions(this.config.NATS_URL),
      name: 'gateway-live',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    return this.connection.then((nats) => nats.subscribe(subject));
  }

  async onApplicationShutdown(): Promise<void> {
    const nats = await this.connection?.catch(() => undefined);
    if (nats && !nats.isClosed()) await nats.drain();
  }
}

type Stream = { userId: string; tenantId: string; end: () => void };

/**
 * `GET /crm/marketing/automation/live`: the live log as Server-Sent Events. The stream carries only the session's
 * tenant (`live.automation.send.<tenantId>`; nothing from the request chooses it). Each event is
 * `event: send`, `id: <history row id>`, `data: AutomationLiveEvent`. Live events are lossy: the page re-reads the
 * log on every (re)connect, announced by `event: ready`.
 */
@ApiTags('automation')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.automation)
@Controller('crm/marketing')
export class AutomationLiveController implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AutomationLive');
  private readonly streams = new Set<Stream>();

  constructor(private readonly nats: LiveNats) {}

  @Get('automation/live')
  @ApiOperation({ summary: 'Live log of automation sends (text/event-stream)' })
  @ApiOkResponse({ description: 'event: send, data: AutomationLiveEvent' })
  async live(
    @Session() session: SessionContext,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const open = [...this.streams];
    if (open.filter((stream) => stream.userId === session.userId).length >= LIVE_LIMITS.perUser) {
      throw new GatewayHttpError(
        HttpStatus.TOO_MANY_REQUESTS,
        'TOO_MANY_REQUESTS',
        'too many live log streams open',
      );
    }
    if (open.filter((stream) => stream.tenantId === session.tenantId).length >= LIVE_LIMITS.perTenant) {
      throw new GatewayHttpError(
        HttpStatus.TOO_MANY_REQUESTS,
        'TOO_MANY_REQUESTS',
        'too many live log streams open for this company',
      );
    }
    const subscription = await this.nats.subscribe(`${Live.automationSendPrefix}.${session.tenantId}`);

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    request.socket.setNoDelay(true);

    let ended = false;
    const stream: Stream = {
      userId: session.userId,
      tenantId: session.tenantId,
      end: () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        subscription.unsubscribe();
        this.streams.delete(stream);
        if (!response.writableEnded) response.end();
      },
    };
    this.streams.add(stream);
    const write = (chunk: string): void => {
      if (ended) return;
      response.write(chunk);
      if (response.writableLength > LIVE_LIMITS.maxBufferedBytes) {
        this.logger.warn(`closing a live stream that does not read (tenant ${session.tenantId})`);
        stream.end();
      }
    };
    const heartbeat = setInterval(() => write(`: ping\n\n`), LIVE_LIMITS.heartbeatMs);
    const lifetime = setTimeout(() => stream.end(), LIVE_LIMITS.maxLifetimeMs);
    request.on('close', () => stream.end());
    response.on('error', () => stream.end());

    write(`retry: ${LIVE_LIMITS.retryMs}\nevent: ready\ndata: {}\n\n`);
    void (async () => {
      for await (const message of subscription) {
        let event: { eventId?: unknown };
        try {
          event = JSON.parse(message.string()) as { eventId?: unknown };
        } catch {
          continue;
        }
        const eventId = String(event.eventId ?? '');
        // Re-serialised: one `data:` line whatever the publisher's formatting.
        const data = JSON.stringify(event);
        write(`${/^\d+$/.test(eventId) ? `id: ${eventId}\n` : ''}event: send\ndata: ${data}\n\n`);
      }
    })().catch(() => stream.end());
  }

  /** Ends every open stream first, so closing the HTTP server does not wait for browsers to hang up. */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.end();
  }
}
