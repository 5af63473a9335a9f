import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { JetStreamService } from './jetstream';

export type HealthReport = { status: 'ok' | 'degraded'; checks: Record<string, 'up' | 'down'> };

@Controller()
export class HealthController {
  constructor(
    private readonly jetstream: JetStreamService,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
  ) {}

  /** 200 when the database (if the service has one) and NATS answer, else 503 with the failing check. */
  @Get('health')
  async health(@Res() response: Response): Promise<void> {
    const checks: HealthReport['checks'] = {};
    if (this.dataSource) checks.database = await probe(() => this.dataSource!.query('SELECT 1'));
    checks.nats = await probe(() => this.jetstream.ping());
    const ok = Object.values(checks).every((value) => value === 'up');
    const report: HealthReport = { status: ok ? 'ok' : 'degraded', checks };
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), 2000);
  });
  try {
    await Promise.race([check(), deadline]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
