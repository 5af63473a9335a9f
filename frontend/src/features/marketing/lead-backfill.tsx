import type { LeadFormView, LeadgenBackfillState, LeadgenBackfillView } from '@crm/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Badge, type BadgeTone } from '../../components/badge';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { FieldError, SelectField, TextField } from '../../components/form-field';
import { Notice } from '../../components/notice';
import { SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import {
  backfillProblem,
  initialBackfillDraft,
  todayIn,
  toBackfillRequest,
  type BackfillDraft,
} from './backfill-range';
import { isMetaFailure, useLeadgenBackfills, useStartLeadgenBackfill } from './lead-ads-api';
import { MetaErrorNotice } from './meta-error-notice';

const STATE_TONES: Record<LeadgenBackfillState, BadgeTone> = {
  queued: 'neutral',
  running: 'accent',
  waiting: 'warning',
  done: 'success',
  failed: 'danger',
};

type LeadBackfillProps = {
  /** The synced forms (the ones a backfill can read). */
  forms: readonly LeadFormView[];
  /** Starting one is the ceo's (the API's role rule); everyone who sees the section sees the list. */
  canStart: boolean;
};

/**
 * "Recuperar leads de Meta": read a form's leads of a date range from Meta again (after an outage), and the jobs
 * with their progress, re-read every few seconds while one runs.
 */
export function LeadBackfill({ forms, canStart }: LeadBackfillProps) {
  const { t } = useTranslation();
  return (
    <div className="mt-6 space-y-3" data-testid="lead-backfills">
      <h3 className="text-base font-semibold text-slate-900">{t('marketing.leadAds.backfill.title')}</h3>
      <p className="text-sm text-slate-500">{t('marketing.leadAds.backfill.description')}</p>
      {canStart && forms.length > 0 ? <BackfillForm forms={forms} /> : null}
      <BackfillList />
    </div>
  );
}

function BackfillForm({ forms }: { forms: readonly LeadFormView[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const start = useStartLeadgenBackfill();
  const [draft, setDraft] = useState<BackfillDraft>(() => initialBackfillDraft(format.timeZone));
  const [checked, setChecked] = useState(false);
  const today = todayIn(format.timeZone);
  const problem = backfillProblem(draft, today);

  const set = (change: Partial<BackfillDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    if (start.isError || start.isSuccess) start.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (problem) return;
    const request = toBackfillRequest(draft, format.timeZone);
    if (request) start.mutate(request);
  };

  const pageName = (form: LeadFormView) => form.pageName ?? t('marketing.leadAds.unknownPage');
  const shown = checked ? problem : null;

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-testid="lead-backfill-form"
      className="grid gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-2 sm:p-4 lg:grid-cols-4"
    >
      <SelectField
        className="sm:col-span-2"
        label={t('marketing.leadAds.backfill.form')}
        testId="lead-backfill-form-select"
        placeholder={t('marketing.leadAds.backfill.formPlaceholder')}
        options={forms.map((form) => ({
          value: form.id,
          label: t('marketing.leadAds.backfill.formOption', { form: form.name, page: pageName(form) }),
        }))}
        value={draft.formId}
        onChange={(formId) => set({ formId })}
        invalid={shown === 'missingForm'}
        error={
          shown === 'missingForm' ? (
            <FieldError>{t('marketing.leadAds.backfill.errors.missingForm')}</FieldError>
          ) : null
        }
      />
      <TextField
        type="date"
        label={t('marketing.leadAds.backfill.since')}
        testId="lead-backfill-since"
        value={draft.since}
        max={draft.until || today}
        onChange={(since) => set({ since })}
        invalid={shown === 'missingDates' || shown === 'sinceAfterUntil'}
      />
      <TextField
        type="date"
        label={t('marketing.leadAds.backfill.until')}
        testId="lead-backfill-until"
        value={draft.until}
        min={draft.since || undefined}
        max={today}
        onChange={(until) => set({ until })}
        invalid={shown === 'missingDates' || shown === 'future'}
      />
      <p className="text-xs text-slate-500 sm:col-span-2 lg:col-span-4">
        {t('marketing.leadAds.backfill.rangeHint')}
      </p>
      {shown && shown !== 'missingForm' ? (
        <p
          role="alert"
          data-testid="lead-backfill-range-error"
          className="text-sm text-rose-700 sm:col-span-2"
        >
          {t(`marketing.leadAds.backfill.errors.${shown}`)}
        </p>
      ) : null}
      <div className="flex flex-col gap-3 sm:col-span-2 sm:flex-row sm:items-center lg:col-span-4">
        <button
          type="submit"
          data-testid="lead-backfill-start"
          className="btn-primary"
          disabled={start.isPending}
        >
          {start.isPending ? t('marketing.leadAds.backfill.starting') : t('marketing.leadAds.backfill.start')}
        </button>
        {start.isSuccess ? (
          <p role="status" className="text-sm text-emerald-700">
            {t('marketing.leadAds.backfill.started')}
          </p>
        ) : null}
      </div>
      {start.isError ? (
        <div className="sm:col-span-2 lg:col-span-4">
          <StartProblem error={start.error} />
        </div>
      ) : null}
    </form>
  );
}

/** The API's own message for a 4xx (a range it refuses, a form it does not know, a job already going…). */
function StartProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (isMetaFailure(error)) return <MetaErrorNotice error={error} />;
  const message =
    isApiError(error) && error.code === 'NETWORK'
      ? t('errors.network')
      : isApiError(error) && error.status >= 400 && error.status < 500
        ? t('marketing.leadAds.backfill.failed', { message: error.message })
        : t('errors.generic');
  return (
    <Notice tone="danger" testId="lead-backfill-error">
      {message}
    </Notice>
  );
}

function BackfillList() {
  const { t } = useTranslation();
  const jobs = useLeadgenBackfills(true);
  if (jobs.isPending) return <SkeletonTable rows={2} columns={4} />;
  if (jobs.isError) {
    return isMetaFailure(jobs.error) ? (
      <MetaErrorNotice error={jobs.error} onRetry={() => void jobs.refetch()} />
    ) : (
      <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
    );
  }
  if (jobs.data.length === 0) {
    return (
      <EmptyState
        title={t('marketing.leadAds.backfill.empty')}
        description={t('marketing.leadAds.backfill.emptyHint')}
      />
    );
  }
  return (
    <TableContainer label={t('marketing.leadAds.backfill.listLabel')}>
      <table className="table-base" data-testid="lead-backfill-list">
        <thead>
          <tr>
            <th scope="col" className="th">
              {t('marketing.leadAds.backfill.columns.form')}
            </th>
            <th scope="col" className={`th ${HIDDEN_BELOW['2xl']}`}>
              {t('marketing.leadAds.backfill.columns.range')}
            </th>
            <th scope="col" className="th">
              {t('marketing.leadAds.backfill.columns.state')}
            </th>
            <th scope="col" className={`th ${HIDDEN_BELOW.lg}`}>
              {t('marketing.leadAds.backfill.columns.progress')}
            </th>
            <th scope="col" className={`th ${HIDDEN_BELOW['3xl']}`}>
              {t('marketing.leadAds.backfill.columns.started')}
            </th>
            <th scope="col" className={`th ${HIDDEN_BELOW['3xl']}`}>
              {t('marketing.leadAds.backfill.columns.finished')}
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.data.map((job) => (
            <BackfillRow key={job.id} job={job} />
          ))}
        </tbody>
      </table>
    </TableContainer>
  );
}

function BackfillRow({ job }: { job: LeadgenBackfillView }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const range = t('marketing.leadAds.backfill.range', {
    since: format.dateTime(job.since),
    until: format.dateTime(job.until),
  });
  const started = t('marketing.leadAds.backfill.startedAt', { at: format.dateTime(job.createdAt) });
  const finished = job.finishedAt
    ? t('marketing.leadAds.backfill.finishedAt', { at: format.dateTime(job.finishedAt) })
    : null;
  return (
    <tr data-testid="lead-backfill-row" data-state={job.state}>
      <td className="td whitespace-normal @3xl:min-w-48">
        <span className="font-medium break-words text-slate-900">
          {job.formName ?? t('marketing.leadAds.unknownForm')}
        </span>
        <span className="block text-xs text-slate-500">
          {job.pageName ?? t('marketing.leadAds.unknownPage')} ·{' '}
          {t(`marketing.leadAds.backfill.reasons.${job.reason}`)}
        </span>
        <span className={`${ONLY_BELOW['2xl']} text-xs text-slate-500`}>{range}</span>
      </td>
      <td className={`td whitespace-normal ${HIDDEN_BELOW['2xl']}`}>{range}</td>
      <td className="td whitespace-normal">
        <Badge tone={STATE_TONES[job.state]} testId="lead-backfill-state">
          {t(`marketing.leadAds.backfill.states.${job.state}`)}
        </Badge>
        {job.lastError && (job.state === 'waiting' || job.state === 'failed') ? (
          <span className="mt-1 block text-xs break-words text-slate-500">{job.lastError.message}</span>
        ) : null}
        <span className={`${ONLY_BELOW['3xl']} mt-1 text-xs text-slate-500`}>{started}</span>
        {finished ? <span className={`${ONLY_BELOW['3xl']} text-xs text-slate-500`}>{finished}</span> : null}
        <div className={`${ONLY_BELOW.lg} mt-1`}>
          <Progress job={job} />
        </div>
      </td>
      <td className={`td ${HIDDEN_BELOW.lg}`} data-testid="lead-backfill-progress">
        <Progress job={job} />
      </td>
      <td className={`td ${HIDDEN_BELOW['3xl']}`}>{format.dateTime(job.createdAt)}</td>
      <td className={`td ${HIDDEN_BELOW['3xl']}`}>
        {job.finishedAt ? format.dateTime(job.finishedAt) : t('common.none')}
      </td>
    </tr>
  );
}

/** Leads Meta returned, those new to the CRM, and those that had already come (by webhook or an earlier read). */
function Progress({ job }: { job: LeadgenBackfillView }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const duplicates = Math.max(0, job.leadsFound - job.leadsPublished);
  return (
    <>
      <span className="block">
        {t('marketing.leadAds.backfill.found', { count: job.leadsFound, n: format.integer(job.leadsFound) })}
      </span>
      <span className="block text-xs text-slate-500">
        {t('marketing.leadAds.backfill.published', {
          count: job.leadsPublished,
          n: format.integer(job.leadsPublished),
        })}
      </span>
      <span className="block text-xs text-slate-500">
        {t('marketing.leadAds.backfill.duplicates', { count: duplicates, n: format.integer(duplicates) })}
      </span>
    </>
  );
}
