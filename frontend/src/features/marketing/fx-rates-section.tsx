import { CURRENCIES, type FxRateView } from '@crm/contracts/browser';
import { useEffect, useId, useImperativeHandle, useRef, useState, type FormEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { Dialog } from '../../components/dialog';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { FilePicker } from '../../components/file-picker';
import { FieldError, SelectField, TextField } from '../../components/form-field';
import { ArrowRightIcon, DeleteIcon, ExpandIcon, UploadIcon } from '../../components/icons';
import { SkeletonTable } from '../../components/skeleton';
import { useFormatters } from '../../lib/format';
import { useOptionalCurrentUser } from '../auth/guards';
import { useDeleteFxRate, useFxRates, useImportFxRates, usePutFxRate } from './fx-rates-api';

/** A rate as typed: digits with `.` or `,` as the decimal mark, at most 10 decimals (what the API accepts). */
const RATE_PATTERN = /^\d+([.,]\d{1,10})?$/;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A 4xx names what was wrong (the API's message: the field, or the CSV line); anything else the generic text. */
function useProblemText() {
  const { t } = useTranslation();
  return (error: unknown, key: 'saveFailed' | 'importFailed' | 'deleteFailed'): string =>
    isApiError(error) && error.code === 'NETWORK'
      ? t('errors.network')
      : isApiError(error) && error.status >= 400 && error.status < 500
        ? t(`marketing.fxRates.${key}`, { message: error.message })
        : t('errors.generic');
}

/** The section's `id`: the no-rate notice links to `#fx-rates`, and a visit to that address opens it. */
export const FX_RATES_ID = 'fx-rates';

/** What the page can ask of the section: open it and bring it into view (the no-rate notice's link). */
export type FxRatesHandle = { reveal: () => void };

type FxRatesSectionProps = {
  /** Some sale of the report has no rate for its day: the section starts open. */
  salesLackRates: boolean;
  ref?: Ref<FxRatesHandle>;
};

/**
 * "Tipos de cambio": the dated exchange rates the Marketing Hub converts sales in another currency with. The ceo
 * lists, adds or replaces, deletes and imports them; a professional reads them (the API's roles); nobody else sees it.
 * A disclosure: closed while there are rates and no sale lacks one, open otherwise (and whenever it is asked for).
 */
export function FxRatesSection(props: FxRatesSectionProps) {
  const user = useOptionalCurrentUser();
  if (user?.role !== 'ceo' && user?.role !== 'professional') return null;
  return <FxRatesDisclosure {...props} canEdit={user.role === 'ceo'} tenantCurrency={user.tenantCurrency} />;
}

const arrivedThroughAnchor = () => window.location.hash === `#${FX_RATES_ID}`;

function FxRatesDisclosure({
  salesLackRates,
  ref,
  canEdit,
  tenantCurrency,
}: FxRatesSectionProps & { canEdit: boolean; tenantCurrency: string }) {
  const { t } = useTranslation();
  const id = useId();
  const titleId = `${id}-title`;
  const bodyId = `${id}-body`;
  const sectionRef = useRef<HTMLElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const rates = useFxRates();
  // Null until the user opens or closes it, or it is asked for (the notice's link, an address ending in #fx-rates).
  const [chosen, setChosen] = useState<boolean | null>(() => (arrivedThroughAnchor() ? true : null));
  const open = chosen ?? (salesLackRates || (rates.isSuccess && rates.data.length === 0));

  useImperativeHandle(
    ref,
    () => ({
      reveal: () => {
        setChosen(true);
        toggleRef.current?.focus({ preventScroll: true });
        sectionRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
      },
    }),
    [],
  );
  // A shared or bookmarked address ending in #fx-rates: the section was not there when the browser looked for it.
  useEffect(() => {
    if (arrivedThroughAnchor()) sectionRef.current?.scrollIntoView?.({ block: 'start' });
  }, []);

  return (
    <section
      ref={sectionRef}
      id={FX_RATES_ID}
      aria-labelledby={titleId}
      className="card scroll-mt-4 px-5 py-4"
      data-testid="fx-rates-section"
    >
      <h2 id={titleId} className="text-lg font-semibold text-slate-900">
        <button
          ref={toggleRef}
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          data-testid="fx-rates-toggle"
          onClick={() => setChosen(!open)}
          className="flex w-full items-center justify-between gap-3 rounded-md text-left hover:text-indigo-700 focus-visible:ring-2 focus-visible:ring-indigo-300 focus-visible:outline-none"
        >
          {t('marketing.fxRates.title')}
          <ExpandIcon
            aria-hidden="true"
            size={18}
            className={`shrink-0 text-slate-500 transition-transform ${open ? 'rotate-90' : ''}`}
          />
        </button>
      </h2>
      {!open && rates.isSuccess ? (
        <p className="mt-1 text-sm text-slate-500" data-testid="fx-rates-summary">
          {t('marketing.fxRates.summary', { count: rates.data.length })}
        </p>
      ) : null}
      <div id={bodyId} hidden={!open} className="mt-3 space-y-5">
        <div className="space-y-1">
          <p className="text-sm text-slate-500">{t('marketing.fxRates.explanation')}</p>
          {canEdit ? null : (
            <p className="text-sm text-slate-500" data-testid="fx-rates-read-only">
              {t('marketing.fxRates.readOnly')}
            </p>
          )}
        </div>
        <RatesList canEdit={canEdit} />
        {canEdit ? (
          <div className="grid gap-6 lg:grid-cols-2">
            <RateForm defaultTo={tenantCurrency} />
            <ImportForm />
          </div>
        ) : null}
      </div>
    </section>
  );
}

function Pair({ from, to }: { from: string; to: string }) {
  const { t } = useTranslation();
  return (
    <>
      <span aria-hidden="true" className="inline-flex items-center gap-1 font-medium text-slate-900">
        {from}
        <ArrowRightIcon size={14} className="text-slate-400" />
        {to}
      </span>
      <span className="sr-only">{t('marketing.fxRates.pair', { from, to })}</span>
    </>
  );
}

function RatesList({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const rates = useFxRates();
  const [deleting, setDeleting] = useState<FxRateView | null>(null);

  if (rates.isPending) return <SkeletonTable rows={3} columns={canEdit ? 4 : 3} />;
  if (rates.isError) return <ErrorState error={rates.error} onRetry={() => void rates.refetch()} />;
  if (rates.data.length === 0) {
    return (
      <EmptyState
        title={t('marketing.fxRates.emptyTitle')}
        description={t(canEdit ? 'marketing.fxRates.emptyHint' : 'marketing.fxRates.emptyHintReadOnly')}
      />
    );
  }
  return (
    <>
      <TableContainer label={t('marketing.fxRates.listLabel')}>
        <table className="table-base" data-testid="fx-rates-table">
          <thead>
            <tr>
              <th scope="col" className="th">
                {t('marketing.fxRates.columns.pair')}
              </th>
              <th scope="col" className={`th ${HIDDEN_BELOW.sm}`}>
                {t('marketing.fxRates.columns.validFrom')}
              </th>
              <th scope="col" className="th text-right whitespace-normal">
                {t('marketing.fxRates.columns.rate')}
              </th>
              {canEdit ? (
                <th scope="col" className="th">
                  <span className="sr-only">{t('marketing.fxRates.columns.actions')}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rates.data.map((rate) => (
              <tr key={rate.id} data-testid="fx-rate-row">
                <td className="td whitespace-normal">
                  <Pair from={rate.from} to={rate.to} />
                  <span className={`${ONLY_BELOW.sm} text-xs text-slate-500`}>
                    {t('marketing.fxRates.validFromShort', { day: format.isoDate(rate.day) })}
                  </span>
                </td>
                <td className={`td ${HIDDEN_BELOW.sm}`}>{format.isoDate(rate.day)}</td>
                <td className="td text-right tabular-nums">
                  {/* The pair is in the first cell: a narrow table shows the number alone. */}
                  <span className="@md:hidden">{format.number(rate.rate, 10)}</span>
                  <span className="hidden @md:inline">
                    {t('marketing.fxRates.rateValue', {
                      from: rate.from,
                      to: rate.to,
                      rate: format.number(rate.rate, 10),
                    })}
                  </span>
                </td>
                {canEdit ? (
                  <td className="td w-px px-0 text-right">
                    <button
                      type="button"
                      className="btn-secondary px-1.5"
                      data-testid="fx-rate-delete"
                      aria-label={t('marketing.fxRates.deleteLabel', {
                        from: rate.from,
                        to: rate.to,
                        day: format.isoDate(rate.day),
                      })}
                      onClick={() => setDeleting(rate)}
                    >
                      <DeleteIcon size={16} />
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableContainer>
      {deleting ? <DeleteDialog rate={deleting} onClose={() => setDeleting(null)} /> : null}
    </>
  );
}

function DeleteDialog({ rate, onClose }: { rate: FxRateView; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const problem = useProblemText();
  const remove = useDeleteFxRate();
  return (
    <Dialog title={t('marketing.fxRates.deleteTitle')} testId="fx-rate-delete-dialog">
      <p className="text-sm text-slate-600">
        {t('marketing.fxRates.deleteBody', {
          from: rate.from,
          to: rate.to,
          day: format.isoDate(rate.day),
          rate: format.number(rate.rate, 10),
        })}
      </p>
      {remove.isError ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {problem(remove.error, 'deleteFailed')}
        </p>
      ) : null}
      <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <button type="button" className="btn-secondary" onClick={onClose}>
          {t('marketing.fxRates.cancel')}
        </button>
        <button
          type="button"
          data-testid="fx-rate-delete-confirm"
          className="btn-primary bg-rose-600 hover:bg-rose-700"
          disabled={remove.isPending}
          onClick={() => remove.mutate(rate.id, { onSuccess: onClose })}
        >
          {t('marketing.fxRates.deleteConfirm')}
        </button>
      </div>
    </Dialog>
  );
}

type RateFormState = { day: string; from: string; to: string; rate: string };
type RateProblem = 'day' | 'rate' | 'same' | null;

function validate(form: RateFormState): RateProblem {
  if (!DAY_PATTERN.test(form.day)) return 'day';
  if (form.from === form.to) return 'same';
  if (!RATE_PATTERN.test(form.rate.trim()) || Number(form.rate.trim().replace(',', '.')) <= 0) return 'rate';
  return null;
}

function RateForm({ defaultTo }: { defaultTo: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const problemText = useProblemText();
  const put = usePutFxRate();
  const [form, setForm] = useState<RateFormState>(() => ({
    day: '',
    from: CURRENCIES.find((code) => code !== defaultTo) ?? 'USD',
    to: defaultTo,
    rate: '',
  }));
  const [problem, setProblem] = useState<RateProblem>(null);
  const currencies: readonly string[] = (CURRENCIES as readonly string[]).includes(defaultTo)
    ? CURRENCIES
    : [defaultTo, ...CURRENCIES];
  const options = currencies.map((code) => ({ value: code, label: code }));

  const set = (change: Partial<RateFormState>) => {
    setForm((current) => ({ ...current, ...change }));
    setProblem(null);
    if (put.isError || put.isSuccess) put.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate(form);
    setProblem(found);
    if (found) return;
    put.mutate(
      { day: form.day, from: form.from, to: form.to, rate: Number(form.rate.trim().replace(',', '.')) },
      { onSuccess: () => setForm((current) => ({ ...current, rate: '' })) },
    );
  };

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid min-w-0 content-start gap-3 sm:grid-cols-2"
      data-testid="fx-rate-form"
    >
      <h3 className="text-sm font-semibold text-slate-900 sm:col-span-2">
        {t('marketing.fxRates.addTitle')}
      </h3>
      <SelectField
        label={t('marketing.fxRates.from')}
        testId="fx-rate-from"
        options={options}
        value={form.from}
        onChange={(from) => set({ from })}
        invalid={problem === 'same'}
      />
      <SelectField
        label={t('marketing.fxRates.to')}
        testId="fx-rate-to"
        options={options}
        value={form.to}
        onChange={(to) => set({ to })}
        invalid={problem === 'same'}
        error={
          problem === 'same' ? (
            <FieldError testId="fx-rate-same">{t('marketing.fxRates.sameCurrency')}</FieldError>
          ) : null
        }
      />
      <TextField
        label={t('marketing.fxRates.day')}
        testId="fx-rate-day"
        type="date"
        value={form.day}
        onChange={(day) => set({ day })}
        invalid={problem === 'day'}
        error={
          problem === 'day' ? (
            <FieldError testId="fx-rate-day-missing">{t('marketing.fxRates.dayMissing')}</FieldError>
          ) : null
        }
      />
      <TextField
        label={t('marketing.fxRates.rate', { from: form.from, to: form.to })}
        testId="fx-rate-rate"
        inputMode="decimal"
        autoComplete="off"
        value={form.rate}
        onChange={(rate) => set({ rate })}
        invalid={problem === 'rate'}
        error={
          problem === 'rate' ? (
            <FieldError testId="fx-rate-rate-invalid">{t('marketing.fxRates.rateInvalid')}</FieldError>
          ) : null
        }
      />
      <p className="text-xs text-slate-500 sm:col-span-2">{t('marketing.fxRates.replaceHint')}</p>
      <div className="flex flex-col gap-2 sm:col-span-2 sm:flex-row sm:items-center">
        <button type="submit" className="btn-primary" data-testid="fx-rate-save" disabled={put.isPending}>
          {put.isPending ? t('marketing.fxRates.saving') : t('marketing.fxRates.save')}
        </button>
        {put.isSuccess ? (
          <p role="status" className="text-sm text-emerald-700">
            {t('marketing.fxRates.saved', {
              from: put.data.from,
              to: put.data.to,
              rate: format.number(put.data.rate, 10),
              day: format.isoDate(put.data.day),
            })}
          </p>
        ) : null}
      </div>
      {put.isError ? (
        <p role="alert" className="text-sm text-rose-700 sm:col-span-2" data-testid="fx-rate-error">
          {problemText(put.error, 'saveFailed')}
        </p>
      ) : null}
    </form>
  );
}

function ImportForm() {
  const { t } = useTranslation();
  const format = useFormatters();
  const problemText = useProblemText();
  const upload = useImportFxRates();
  const [file, setFile] = useState<File | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file);
  };

  return (
    <form onSubmit={onSubmit} className="grid min-w-0 content-start gap-3" data-testid="fx-rates-import">
      <h3 className="text-sm font-semibold text-slate-900">{t('marketing.fxRates.importTitle')}</h3>
      <FilePicker
        label={t('marketing.fxRates.importFile')}
        accept=".csv,text/csv"
        testId="fx-rates-file"
        hint={t('marketing.fxRates.importHint')}
        onChange={(chosen) => {
          setFile(chosen);
          upload.reset();
        }}
      />
      <div>
        <button
          type="submit"
          className="btn-secondary"
          data-testid="fx-rates-import-submit"
          disabled={!file || upload.isPending}
        >
          <UploadIcon size={16} />
          {upload.isPending ? t('marketing.fxRates.importing') : t('marketing.fxRates.import')}
        </button>
      </div>
      {upload.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700" data-testid="fx-rates-import-done">
          {t('marketing.fxRates.imported', {
            imported: format.integer(upload.data.imported),
            updated: format.integer(upload.data.updated),
          })}
        </p>
      ) : null}
      {upload.isError ? (
        <p role="alert" className="text-sm break-words text-rose-700" data-testid="fx-rates-import-error">
          {problemText(upload.error, 'importFailed')}
        </p>
      ) : null}
    </form>
  );
}
