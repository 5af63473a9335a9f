import {
  LEAD_STAGE_EVENT_NAMES,
  type ConnectionStatus,
  type ConversionEventName,
  type ConversionPoint,
  type ConversionSettingsView,
} from '@crm/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { ErrorState } from '../../components/error-state';
import { CheckboxField, FieldError, SelectField } from '../../components/form-field';
import { SkeletonSection } from '../../components/skeleton';
import { useOptionalCurrentUser } from '../auth/guards';
import { SaveRow, SettingsCard } from '../settings/settings-form';
import {
  useConversionDatasets,
  useConversionSettings,
  useUpdateConversionSettings,
  type ConversionSettingsChange,
} from './conversions-api';
import { ConversionsLog } from './conversions-log';

/** The events each pipeline point may send (none = `''` in the form). */
const POINT_EVENTS: Record<ConversionPoint, readonly ConversionEventName[]> = {
  qualified: LEAD_STAGE_EVENT_NAMES,
  opportunity: LEAD_STAGE_EVENT_NAMES,
  won: ['Purchase'],
};
const POINT_FIELDS = {
  qualified: 'qualifiedEvent',
  opportunity: 'opportunityEvent',
  won: 'wonEvent',
} as const satisfies Record<ConversionPoint, keyof ConversionSettingsChange>;
const POINTS = Object.keys(POINT_FIELDS) as ConversionPoint[];

const formOf = (view: ConversionSettingsView): ConversionSettingsChange => ({
  enabled: view.enabled,
  datasetId: view.datasetId,
  qualifiedEvent: view.qualifiedEvent,
  opportunityEvent: view.opportunityEvent,
  wonEvent: view.wonEvent,
});

/**
 * "Conversiones (API de Conversiones de Meta)": whether Meta-attributed leads reaching a pipeline point are sent to
 * a dataset of the connected business, which point sends which event, and the log of what was sent. The ceo's only,
 * once Meta is connected and set up; nothing for anyone else.
 */
export function ConversionsSection({ status }: { status: ConnectionStatus }) {
  const { t } = useTranslation();
  const user = useOptionalCurrentUser();
  if (user?.role !== 'ceo' || status.state !== 'connected' || !status.setupComplete) return null;
  return (
    <SettingsCard
      title={t('marketing.conversions.title')}
      description={t('marketing.conversions.description')}
      testId="conversions-section"
    >
      <ConversionSettings />
      <ConversionsLog />
    </SettingsCard>
  );
}

function ConversionSettings() {
  const settings = useConversionSettings();
  if (settings.isPending) return <SkeletonSection />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  return <ConversionSettingsForm saved={settings.data} />;
}

function ConversionSettingsForm({ saved }: { saved: ConversionSettingsView }) {
  const { t } = useTranslation();
  const datasets = useConversionDatasets();
  const update = useUpdateConversionSettings();
  const [form, setForm] = useState<ConversionSettingsChange>(() => formOf(saved));
  const [missingDataset, setMissingDataset] = useState(false);

  const set = (change: Partial<ConversionSettingsChange>) => {
    setForm((current) => ({ ...current, ...change }));
    if (change.datasetId) setMissingDataset(false);
    if (update.isError || update.isSuccess) update.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (form.enabled && !form.datasetId) {
      setMissingDataset(true);
      return;
    }
    update.mutate(form, { onSuccess: (view) => setForm(formOf(view)) });
  };

  const options = (datasets.data ?? []).map((dataset) => ({
    value: dataset.id,
    label: t('marketing.conversions.datasetOption', { name: dataset.name, id: dataset.id }),
  }));
  // A dataset saved earlier that the business no longer lists stays visible (and selected) by its id.
  if (form.datasetId && !options.some((option) => option.value === form.datasetId)) {
    options.unshift({ value: form.datasetId, label: form.datasetId });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2" data-testid="conversions-form">
      <div className="sm:col-span-2">
        <CheckboxField
          label={t('marketing.conversions.enabled')}
          testId="conversions-enabled"
          checked={form.enabled}
          onChange={(enabled) => set({ enabled })}
        />
      </div>
      <SelectField
        className="sm:col-span-2"
        label={t('marketing.conversions.dataset')}
        testId="conversions-dataset"
        placeholder={datasets.isPending ? t('common.loading') : t('marketing.conversions.datasetPlaceholder')}
        options={options}
        value={form.datasetId ?? ''}
        onChange={(value) => set({ datasetId: value === '' ? null : value })}
        invalid={missingDataset}
        hint={t('marketing.conversions.datasetHint')}
        error={
          missingDataset ? (
            <FieldError testId="conversions-dataset-missing">
              {t('marketing.conversions.datasetMissing')}
            </FieldError>
          ) : datasets.isError ? (
            <FieldError testId="conversions-datasets-error">
              {t('marketing.conversions.datasetsFailed', {
                problem:
                  isApiError(datasets.error) && datasets.error.status < 500
                    ? datasets.error.message
                    : t('errors.generic'),
              })}
            </FieldError>
          ) : datasets.data?.length === 0 ? (
            <p className="text-xs text-slate-500" data-testid="conversions-no-datasets">
              {t('marketing.conversions.noDatasets')}
            </p>
          ) : null
        }
      />
      <fieldset className="space-y-3 sm:col-span-2">
        <legend className="text-sm font-semibold text-slate-900">
          {t('marketing.conversions.pointsLegend')}
        </legend>
        <div className="grid gap-4 sm:grid-cols-3">
          {POINTS.map((point) => (
            <SelectField
              key={point}
              label={t(`marketing.conversions.points.${point}`)}
              testId={`conversions-point-${point}`}
              options={[
                { value: '', label: t('marketing.conversions.noEvent') },
                ...POINT_EVENTS[point].map((name) => ({
                  value: name,
                  label: t(`marketing.conversions.events.${name}`),
                })),
              ]}
              value={form[POINT_FIELDS[point]] ?? ''}
              onChange={(value) =>
                set({ [POINT_FIELDS[point]]: value === '' ? null : (value as ConversionEventName) })
              }
            />
          ))}
        </div>
        <p className="text-xs text-slate-500">{t('marketing.conversions.pointsHint')}</p>
      </fieldset>
      <SaveRow save={update} testId="conversions" savedText={t('marketing.conversions.saved')} />
    </form>
  );
}
