import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@crm/contracts';
import { DateTime } from 'luxon';
import { MetaAdsConfig } from '../config';
import { GraphClient, MetaTransportError, type GraphRequest } from '../graph/graph-client';
import type { GraphInsightRow } from './insights-rows';

/** `GET /{report_run_id}`: the AdReportRun fields read here (REFERENCE §4.4). */
type AdReportRun = {
  id?: string;
  async_status?: string;
  async_percent_completion?: number | string;
  error_code?: number;
  error_subcode?: number;
  error_message?: string;
};

const RUN_FIELDS = 'id,async_status,async_percent_completion,error_code,error_subcode,error_message';
/** Longest wait between two polls of one report run. */
export const MAX_POLL_INTERVAL_MS = 30_000;
/**
 * Rows asked per page of insights (synchronous reads and report-run results): ~1,000 ads fit in one page, so a cold
 * read is one Graph call, not two in sequence. When a page this big is too much for Meta (code 1 / the data-per-call
 * limit) the read falls back to a report run (`needsReportRun`).
 */
export const INSIGHTS_PAGE_LIMIT = 5000;
/** Meta's "insights data-per-call limit" (code 100). */
const DATA_PER_CALL_SUBCODE = 1487534;

/** A report run Meta ended as `Job Failed` or `Job Skipped`: nothing to read; Meta's advice is to try again later. */
export class InsightsReportRunError extends DomainError {
  constructor(
    readonly reportRunId: string,
    readonly asyncStatus: 'Job Failed' | 'Job Skipped',
    metaCode?: number,
  ) {
    super('META_UNAVAILABLE', `Meta's insights report run ended as "${asyncStatus}"; retry later`, {
      reason: 'report_run_failed',
      reportRunId,
      asyncStatus,
      ...(metaCode !== undefined ? { metaCode } : {}),
    });
  }
}

/** Days from `since` to `until`, both included. */
export function rangeDays(since: string, until: string): number {
  const days = DateTime.fromISO(until, { zone: 'utc' }).diff(
    DateTime.fromISO(since, { zone: 'utc' }),
    'days',
  ).days;
  return Math.round(days) + 1;
}

/**
 * A synchronous insights read that Meta asks to make asynchronous instead: "Please reduce the amount of data" (code
 * 1, usually subcode 99), the data-per-call limit (100 / 1487534), or a timeout / a connection lost after the
 * request left (REFERENCE §4.4: "try sync first, fall back to async on timeout/code 1").
 */
export function needsReportRun(error: unknown): boolean {
  if (error instanceof MetaTransportError) return error.outcomeUnknown;
  if (!(error instanceof DomainError)) return false;
  const code = Number(error.details?.metaCode);
  return code === 1 || (code === 100 && Number(error.details?.metaSubcode) === DATA_PER_CALL_SUBCODE);
}

/** Wait before poll number `attempt` (0 = the first, after the run is created): `first`, doubling, capped. */
export function pollDelayMs(first: number, attempt: number): number {
  return Math.min(MAX_POLL_INTERVAL_MS, first * 2 ** Math.min(attempt, 20));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asynchronous insights (REFERENCE §4.4): `POST /act_{id}/insights` → poll `GET /{report_run_id}` after a short first
 * wait (`INSIGHTS_ASYNC_POLL_MS`), then a doubling one, until `Job Completed` (bounded by `INSIGHTS_ASYNC_TIMEOUT_MS`) → every page of `GET /{report_run_id}/insights`.
 * `Job Failed` / `Job Skipped` → `InsightsReportRunError`; too slow → `META_UNAVAILABLE` (`reason: report_run_timeout`).
 */
@Injectable()
export class InsightsReportRuns {
  private readonly logger = new Logger('InsightsReportRuns');

  constructor(
    private readonly graph: GraphClient,
    private readonly config: MetaAdsConfig,
  ) {}

  async read(
    request: Omit<GraphRequest, 'path' | 'query'>,
    adAccountId: string,
    query: Record<string, string>,
  ): Promise<GraphInsightRow[]> {
    const started = await this.graph.post<{ report_run_id?: string | number }>({
      ...request,
      path: `${adAccountId}/insights`,
      body: query,
    });
    const runId = String(started.report_run_id ?? '');
    if (!/^\d{1,30}$/.test(runId)) {
      throw new DomainError('META_REJECTED', 'Meta did not return an insights report run id');
    }
    const deadline = Date.now() + this.config.INSIGHTS_ASYNC_TIMEOUT_MS;
    let status = '';
    let percent = 0;
    // A run just created is never finished: the first poll waits the first delay (short), later ones longer.
    for (let attempt = 0; ; attempt++) {
      const delay = pollDelayMs(this.config.INSIGHTS_ASYNC_POLL_MS, attempt);
      if (Date.now() + delay > deadline) {
        throw new DomainError(
          'META_UNAVAILABLE',
          `Meta's insights report run did not finish within ${this.config.INSIGHTS_ASYNC_TIMEOUT_MS} ms; retry later`,
          { reason: 'report_run_timeout', reportRunId: runId, asyncStatus: status, percent },
        );
      }
      await sleep(delay);
      const run = await this.graph.get<AdReportRun>({
        ...request,
        path: runId,
        query: { fields: RUN_FIELDS },
      });
      status = run.async_status ?? '';
      percent = Number(run.async_percent_completion ?? 0);
      if (status === 'Job Completed') break;
      if (status === 'Job Failed' || status === 'Job Skipped') {
        this.logger.warn(`tenant ${request.tenantId}: report run ${runId} ended as ${status}`);
        throw new InsightsReportRunError(runId, status, run.error_code);
      }
    }
    return this.graph.getAll<GraphInsightRow>({
      ...request,
      path: `${runId}/insights`,
      query: { limit: INSIGHTS_PAGE_LIMIT },
    });
  }
}
