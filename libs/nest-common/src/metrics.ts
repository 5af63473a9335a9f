import {
  Controller,
  Get,
  Header,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { tap, type Observable } from 'rxjs';

/** One Prometheus registry per process, with default Node metrics and per-handler request counters. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;
export function initMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

export const handledRequests = new Counter({
  name: 'crm_handled_requests_total',
  help: 'HTTP requests and NATS messages handled, by transport, handler and outcome',
  labelNames: ['transport', 'handler', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const handlerDuration = new Histogram({
  name: 'crm_handler_duration_seconds',
  help: 'Time spent in HTTP and NATS handlers',
  labelNames: ['transport', 'handler'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

@Injectable()
export class MetricsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const transport = context.getType();
    const handler = `${context.getClass().name}.${context.getHandler().name}`;
    const end = handlerDuration.startTimer({ transport, handler });
    return next.handle().pipe(
      tap({
        next: () => undefined,
        complete: () => {
          end();
          handledRequests.inc({ transport, handler, outcome: 'ok' });
        },
        error: () => {
          end();
          handledRequests.inc({ transport, handler, outcome: 'error' });
        },
      }),
    );
  }
}

@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
