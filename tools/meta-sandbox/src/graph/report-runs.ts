import { randomInt } from 'node:crypto';
import type { SandboxAdAccount } from '../dataset/dataset.types';
import { graphErrors } from '../http/graph-error';
import { page, type GraphContext } from './graph-context';
import { readInsightsQuery, runInsightsQuery, type InsightsQuery } from './insights-service';

/** `async_status` of an AdReportRun (REFERENCE §4.4). */
export type AsyncStatus =
  'Job Not Started' | 'Job Started' | 'Job Running' | 'Job Completed' | 'Job Failed' | 'Job Skipped';
export type ReportRunEnd = 'Job Completed' | 'Job Failed' | 'Job Skipped';

/** An async insights job: its query, how far it is (polls seen), and how it will end. */
export type ReportRun = {
  id: string;
  account: SandboxAdAccount;
  query: InsightsQuery;
  createdAt: number;
  /** `GET /{id}` calls so far: the job moves one step per poll. */
  polls: number;
  pollsToComplete: number;
  end: ReportRunEnd;
  completedAt?: number;
};

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** `POST /act_{id}/insights` (same parameters as the GET, query or body) → `{report_run_id}`. */
export const startReportRun = (ctx: GraphContext, account: SandboxAdAccount): unknown => {
  const query = readInsightsQuery(ctx, { account, defaultLevel: 'account' });
  // The range is validated now, as Meta does when the job is created.
  runInsightsQuery(ctx.state, { account }, { ...query, level: 'account', fields: ['spend'] });
  const control = ctx.state.asyncInsights;
  const failing = control.failNext > 0;
  if (failing) control.failNext -= 1;
  let id: string;
  do id = String(6_000_000_000_000 + randomInt(0, 999_999_999_999));
  while (ctx.state.reportRuns.has(id));
  ctx.state.reportRuns.set(id, {
    id,
    account,
    query,
    createdAt: ctx.state.now(),
    polls: 0,
    pollsToComplete: control.pollsToComplete,
    end: failing ? control.failAs : 'Job Completed',
  });
  return { report_run_id: id };
};

/** Where the job is now (without counting a poll). */
const statusOf = (run: ReportRun): { status: AsyncStatus; percent: number } => {
  if (run.polls >= run.pollsToComplete) {
    return { status: run.end, percent: run.end === 'Job Completed' ? 100 : 0 };
  }
  if (run.polls === 0) return { status: 'Job Not Started', percent: 0 };
  return {
    status: run.polls === 1 ? 'Job Started' : 'Job Running',
    percent: Math.min(99, Math.floor((100 * run.polls) / run.pollsToComplete)),
  };
};

/** `GET /{report_run_id}`: the AdReportRun; each call moves the job one step forward. */
export const readReportRun = (ctx: GraphContext, run: ReportRun): unknown => {
  if (run.polls < run.pollsToComplete) run.polls += 1;
  const { status, percent } = statusOf(run);
  const finished = run.polls >= run.pollsToComplete;
  if (finished && run.completedAt === undefined) run.completedAt = ctx.state.now();
  const range = runInsightsQuery(
    ctx.state,
    { account: run.account },
    { ...run.query, fields: ['spend'] },
  ).range;
  return {
    id: run.id,
    account_id: run.account.accountId,
    async_status: status,
    async_percent_completion: percent,
    date_start: range.since,
    date_stop: range.until,
    time_ref: seconds(run.createdAt),
    ...(run.completedAt !== undefined ? { time_completed: seconds(run.completedAt) } : {}),
    is_running: !finished,
    ...(status === 'Job Failed'
      ? {
          error_code: 1,
          error_subcode: 99,
          error_message: 'An unknown error occurred while running the report. Please retry.',
        }
      : {}),
  };
};

/** `GET /{report_run_id}/insights`: the job's rows, paged like the synchronous edge, once it completed. */
export const reportRunInsights = (ctx: GraphContext, run: ReportRun): unknown => {
  const { status } = statusOf(run);
  if (status !== 'Job Completed') {
    throw graphErrors.invalidParameter(
      `(#100) Report run ${run.id} is not complete (async_status: ${status}); poll it until Job Completed`,
    );
  }
  return page(ctx, runInsightsQuery(ctx.state, { account: run.account }, run.query).rows);
};

/** Control API view of a run. */
export const describeReportRun = (run: ReportRun) => ({
  id: run.id,
  accountId: run.account.accountId,
  polls: run.polls,
  pollsToComplete: run.pollsToComplete,
  status: statusOf(run).status,
  level: run.query.level,
  timeRange: run.query.timeRange ?? null,
});
