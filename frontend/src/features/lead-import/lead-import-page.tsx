import {
  LEAD_IMPORT_FIELDS,
  LEAD_IMPORT_FILE_ERRORS,
  LEAD_IMPORT_LIMITS,
  type LeadImportField,
  type LeadImportMapping,
  type LeadImportUpload,
  type LeadImportView,
} from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../../api/http';
import { ErrorState } from '../../components/error-state';
import { FilePicker } from '../../components/file-picker';
import { DownloadIcon, UploadIcon } from '../../components/icons';
import { NoAccess } from '../../components/no-access';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useOptionalCurrentUser } from '../auth/guards';
import { guessMapping } from './guess-mapping';
import { rejectsUrl, useLeadImport, useStartLeadImport, useUploadLeadCsv } from './lead-import-api';

/** Roles that may import (the gateway enforces the same). */
const IMPORTERS = ['ceo', 'professional'];
const REQUIRED: readonly LeadImportField[] = ['name', 'phone'];

/** A failed upload or start, in words: the file's problem when the gateway named it, else a generic line. */
function useErrorText() {
  const { t } = useTranslation();
  const { integer } = useFormatters();
  return (error: unknown): string => {
    if (!isApiError(error)) return t('leadImport.errors.generic');
    const reason = error.details?.['reason'];
    if (typeof reason === 'string' && (LEAD_IMPORT_FILE_ERRORS as readonly string[]).includes(reason)) {
      return t(`leadImport.fileErrors.${reason as (typeof LEAD_IMPORT_FILE_ERRORS)[number]}`, {
        maxMb: integer(LEAD_IMPORT_LIMITS.maxBytes / (1024 * 1024)),
        maxRows: integer(LEAD_IMPORT_LIMITS.maxRows),
        maxColumns: integer(LEAD_IMPORT_LIMITS.maxColumns),
        columns: integer(Number(error.details?.['columns'] ?? 0)),
        rows: integer(Number(error.details?.['rows'] ?? 0)),
      });
    }
    if (error.code === 'NETWORK') return t('errors.network');
    if (error.status === 403) return t('errors.forbidden');
    if (error.code === 'CONFLICT') return t('leadImport.errors.conflict');
    return t('leadImport.errors.generic');
  };
}

function ChooseFile({ onUploaded }: { onUploaded: (upload: LeadImportUpload) => void }) {
  const { t } = useTranslation();
  const { integer } = useFormatters();
  const [file, setFile] = useState<File | null>(null);
  const upload = useUploadLeadCsv();
  const errorText = useErrorText();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file, { onSuccess: onUploaded });
  };
  return (
    <form onSubmit={submit} className="card space-y-4 p-5" data-testid="import-choose">
      <FilePicker
        label={t('leadImport.choose.label')}
        accept=".csv,text/csv"
        hint={t('leadImport.choose.help', {
          maxMb: integer(LEAD_IMPORT_LIMITS.maxBytes / (1024 * 1024)),
          maxRows: integer(LEAD_IMPORT_LIMITS.maxRows),
        })}
        onChange={(chosen) => {
          setFile(chosen);
          upload.reset();
        }}
      />
      {upload.isError ? (
        <p role="alert" className="text-sm text-rose-700" data-testid="import-error">
          {errorText(upload.error)}
        </p>
      ) : null}
      <button type="submit" className="btn-primary" disabled={!file || upload.isPending}>
        <UploadIcon size={16} />
        {upload.isPending ? t('leadImport.choose.uploading') : t('leadImport.choose.upload')}
      </button>
    </form>
  );
}

function MapColumns({ upload, onStarted }: { upload: LeadImportUpload; onStarted: () => void }) {
  const { t } = useTranslation();
  const { integer } = useFormatters();
  const job = upload.import;
  const [mapping, setMapping] = useState<LeadImportMapping>(() => guessMapping(job.header));
  const start = useStartLeadImport();
  const errorText = useErrorText();
  const baseId = useId();
  const ready = REQUIRED.every((field) => mapping[field] !== undefined);
  const choose = (field: LeadImportField, value: string) => {
    const next = { ...mapping };
    if (value === '') delete next[field];
    else next[field] = Number(value);
    setMapping(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) start.mutate({ id: job.id, mapping }, { onSuccess: onStarted });
  };
  return (
    <form onSubmit={submit} className="space-y-4" data-testid="import-mapping">
      <div className="card p-5">
        <h2 className="text-base font-semibold text-slate-900">{t('leadImport.mapping.title')}</h2>
        <p className="mt-1 text-sm text-slate-500">
          {t('leadImport.mapping.description', { rows: integer(job.totalRows), file: job.fileName ?? '' })}
        </p>
        <div className="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {LEAD_IMPORT_FIELDS.map((field) => {
            const id = `${baseId}-${field}`;
            return (
              <div key={field}>
                <label htmlFor={id} className="label">
                  {t(`leadImport.fields.${field}`)}
                  {REQUIRED.includes(field) ? ' *' : ''}
                </label>
                <select
                  id={id}
                  className="input mt-1"
                  value={mapping[field] ?? ''}
                  onChange={(event) => choose(field, event.target.value)}
                >
                  <option value="">{t('leadImport.mapping.skip')}</option>
                  {job.header.map((name, index) => (
                    <option key={index} value={index}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
            );
          })}
        </div>
        {!ready ? <p className="mt-3 text-sm text-amber-700">{t('leadImport.mapping.required')}</p> : null}
      </div>
      <div className="card overflow-x-auto">
        <table className="table-base" data-testid="import-preview">
          <caption className="sr-only">{t('leadImport.mapping.preview')}</caption>
          <thead className="bg-slate-50">
            <tr>
              {job.header.map((name, index) => (
                <th key={index} scope="col" className="th">
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {upload.preview.map((row, r) => (
              <tr key={r}>
                {job.header.map((_, c) => (
                  <td key={c} className="td max-w-56 truncate">
                    {row[c] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {start.isError ? (
        <p role="alert" className="text-sm text-rose-700" data-testid="import-error">
          {errorText(start.error)}
        </p>
      ) : null}
      <button type="submit" className="btn-primary" disabled={!ready || start.isPending}>
        {t('leadImport.mapping.start', { rows: integer(job.totalRows) })}
      </button>
    </form>
  );
}

function Progress({ job }: { job: LeadImportView }) {
  const { t } = useTranslation();
  const { integer, percent } = useFormatters();
  const share = job.totalRows > 0 ? job.processedRows / job.totalRows : 0;
  return (
    <section className="card space-y-3 p-5" data-testid="import-progress">
      <h2 className="text-base font-semibold text-slate-900">{t('leadImport.progress.title')}</h2>
      <div
        role="progressbar"
        aria-label={t('leadImport.progress.title')}
        aria-valuemin={0}
        aria-valuemax={job.totalRows}
        aria-valuenow={job.processedRows}
        aria-valuetext={percent(share * 100)}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className="h-full bg-indigo-600 transition-all"
          style={{ width: `${Math.round(share * 100)}%` }}
        />
      </div>
      <p className="text-sm text-slate-600">
        {t('leadImport.progress.rows', { done: integer(job.processedRows), total: integer(job.totalRows) })}
      </p>
    </section>
  );
}

function Result({ job, onAgain }: { job: LeadImportView; onAgain: () => void }) {
  const { t, i18n } = useTranslation();
  const { integer } = useFormatters();
  const failed = job.status === 'failed';
  const counts = [
    ['created', job.created],
    ['duplicates', job.duplicates],
    ['rejected', job.rejected],
  ] as const;
  return (
    <section className="card space-y-4 p-5" data-testid="import-result">
      <h2 className="text-base font-semibold text-slate-900">
        {failed ? t('leadImport.result.failedTitle') : t('leadImport.result.title')}
      </h2>
      {failed ? (
        <p role="alert" className="text-sm text-rose-700">
          {t('leadImport.result.failedDescription', {
            done: integer(job.processedRows),
            total: integer(job.totalRows),
          })}
        </p>
      ) : null}
      <dl className="grid grid-cols-3 gap-3">
        {counts.map(([key, value]) => (
          <div key={key} className="rounded-lg bg-slate-50 p-3">
            <dt className="text-xs text-slate-500">{t(`leadImport.result.${key}`)}</dt>
            <dd className="text-xl font-semibold text-slate-900" data-testid={`import-count-${key}`}>
              {integer(value)}
            </dd>
          </div>
        ))}
      </dl>
      <div className="flex flex-wrap gap-2">
        {job.duplicates + job.rejected > 0 ? (
          <a className="btn-secondary" href={rejectsUrl(job.id, i18n.language)} download>
            <DownloadIcon size={16} />
            {t('leadImport.result.download')}
          </a>
        ) : null}
        <Link to="/leads" className="btn-primary">
          {t('leadImport.result.toLeads')}
        </Link>
        <button type="button" className="btn-secondary" onClick={onAgain}>
          {t('leadImport.result.again')}
        </button>
      </div>
    </section>
  );
}

/**
 * `/leads/import`: choose a CSV → map its columns (guessed from the header) → a progress bar while crm-service
 * imports it → the counts and the rejected rows to download. The job id stays in the address (`?id=`), so a reload
 * keeps following it.
 */
export function LeadImportPage() {
  const { t } = useTranslation();
  const user = useOptionalCurrentUser();
  const [params, setParams] = useSearchParams();
  const id = params.get('id');
  const [upload, setUpload] = useState<LeadImportUpload | null>(null);
  const job = useLeadImport(upload ? null : id);

  if (user && !IMPORTERS.includes(user.role)) return <NoAccess />;

  const restart = () => {
    setUpload(null);
    setParams({});
  };

  let body;
  if (upload) {
    body = (
      <MapColumns
        upload={upload}
        onStarted={() => {
          setUpload(null);
          setParams({ id: upload.import.id });
        }}
      />
    );
  } else if (!id) {
    body = (
      <ChooseFile
        onUploaded={(uploaded) => {
          setUpload(uploaded);
          setParams({ id: uploaded.import.id });
        }}
      />
    );
  } else if (job.isPending) {
    body = (
      <div role="status" aria-live="polite" className="card space-y-3 p-5">
        <span className="sr-only">{t('common.loading')}</span>
        <SkeletonBlock className="h-4 w-1/3" />
        <SkeletonBlock className="h-3 w-full" />
      </div>
    );
  } else if (job.isError) {
    body = (
      <div className="card">
        <ErrorState error={job.error} onRetry={() => void job.refetch()} />
      </div>
    );
  } else if (job.data.status === 'done' || job.data.status === 'failed') {
    body = <Result job={job.data} onAgain={restart} />;
  } else if (job.data.status === 'running') {
    body = <Progress job={job.data} />;
  } else {
    // Uploaded earlier (its preview is gone): choose the file again.
    body = <ChooseFile onUploaded={(uploaded) => setUpload(uploaded)} />;
  }

  return (
    <div>
      <PageHeader
        title={t('leadImport.title')}
        description={t('leadImport.description')}
        actions={
          <Link to="/leads" className="btn-secondary">
            {t('leadImport.back')}
          </Link>
        }
      />
      {body}
    </div>
  );
}
