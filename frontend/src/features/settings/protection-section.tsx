import type { ProtectionSettingsView, SendWindow } from '@crm/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/error-state';
import { CheckboxField, FieldError, TextField } from '../../components/form-field';
import { SkeletonSection } from '../../components/skeleton';
import { SendWindowField, WEEK_DAYS } from '../automation/send-window-field';
import {
  MAX_CAP_HOURS,
  MAX_PER_CONTACT,
  protectionChanges,
  protectionFormOf,
  type ProtectionForm,
  type ProtectionProblem,
} from './protection-form';
import { useProtection, useUpdateProtection } from './settings-api';
import { SaveRow, SettingsCard } from './settings-form';

/** The two numbers of the frequency cap: how many marketing templates, per how many hours. */
const CAP_FIELDS = [
  { field: 'perContact', max: MAX_PER_CONTACT, testId: 'protection-per-contact' },
  { field: 'capHours', max: MAX_CAP_HOURS, testId: 'protection-cap-hours' },
] as const;

/**
 * Recipient protection of HSM automation: how many marketing templates one contact may get in how many hours, and
 * the company's send window (rules without their own window use it; else the standard one).
 */
export function ProtectionSection({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const protection = useProtection();
  return (
    <SettingsCard
      title={t('settings.protection.title')}
      description={t('settings.protection.description')}
      testId="protection-settings"
    >
      {protection.isPending ? (
        <SkeletonSection />
      ) : protection.isError ? (
        <ErrorState error={protection.error} onRetry={() => void protection.refetch()} />
      ) : (
        <ProtectionFormView saved={protection.data} timeZone={timeZone} />
      )}
    </SettingsCard>
  );
}

function ProtectionFormView({ saved, timeZone }: { saved: ProtectionSettingsView; timeZone: string }) {
  const { t } = useTranslation();
  const update = useUpdateProtection();
  const [form, setForm] = useState<ProtectionForm>(() => protectionFormOf(saved));
  const [problems, setProblems] = useState<ProtectionProblem[]>([]);

  const set = (change: Partial<ProtectionForm>) => {
    setForm((current) => ({ ...current, ...change }));
    if (update.isError || update.isSuccess) update.reset();
  };
  const problemOf = (problem: ProtectionProblem, max?: number) =>
    problems.includes(problem) ? (
      <FieldError testId={`protection-error-${problem}`}>
        {t(`settings.protection.problems.${problem}`, { max })}
      </FieldError>
    ) : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = protectionChanges(form);
    if (result.problems) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    update.mutate(result.changes, { onSuccess: (view) => setForm(protectionFormOf(view)) });
  };

  const perContact = Number(form.perContact);
  const { start, end } = form.window;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2" data-testid="protection-form">
      <fieldset className="space-y-2 sm:col-span-2">
        <legend className="text-sm font-semibold text-slate-900">{t('settings.protection.capLegend')}</legend>
        <div className="grid grid-cols-2 items-start gap-4 sm:max-w-md">
          {CAP_FIELDS.map(({ field, max, testId }) => (
            <TextField
              key={field}
              label={t(`settings.protection.${field}`)}
              testId={testId}
              type="number"
              inputMode="numeric"
              min={1}
              max={max}
              step={1}
              invalid={problems.includes(field)}
              value={form[field]}
              onChange={(value) => set({ [field]: value })}
              error={problemOf(field, max)}
            />
          ))}
        </div>
        {Number.isInteger(perContact) && perContact > 0 && Number(form.capHours) > 0 ? (
          <p data-testid="protection-cap-summary" className="text-xs text-slate-500">
            {t('settings.protection.capSummary', { count: perContact, hours: form.capHours })}
          </p>
        ) : null}
      </fieldset>

      <fieldset className="space-y-2 sm:col-span-2">
        <legend className="text-sm font-semibold text-slate-900">
          {t('settings.protection.windowLegend')}
        </legend>
        <p className="text-xs text-slate-500">
          {t('settings.protection.windowHint', { timeZone: timeZone.replaceAll('_', ' ') })}
        </p>
        <CheckboxField
          label={t('settings.protection.ownWindow')}
          testId="protection-own-window"
          checked={form.ownWindow}
          onChange={(ownWindow) => set({ ownWindow })}
        />
        {form.ownWindow ? (
          <>
            <SendWindowField
              testId="protection-window"
              value={form.window}
              onChange={(change) => set({ window: { ...form.window, ...change } })}
              error={problemOf('windowDays')}
            />
            {end < start || end === start ? (
              <p data-testid="protection-window-note" className="text-xs text-slate-500">
                {end === start
                  ? t('settings.protection.allDay')
                  : t('settings.protection.overnight', { start, end })}
              </p>
            ) : null}
          </>
        ) : (
          <p data-testid="protection-default-window" className="text-sm text-slate-600">
            <DefaultWindow window={saved.defaultSendWindow} />
          </p>
        )}
      </fieldset>

      <SaveRow save={update} testId="protection" savedText={t('settings.protection.saved')} />
    </form>
  );
}

/** The window that applies without the company's own: the standard one in words, or any hour. */
function DefaultWindow({ window }: { window: SendWindow | null }) {
  const { t } = useTranslation();
  if (!window) return <>{t('settings.protection.anyHour')}</>;
  const days = WEEK_DAYS.filter((day) => window.days.includes(day))
    .map((day) => t(`automation.days.${day}`))
    .join(', ');
  return <>{t('settings.protection.defaultWindow', { days, start: window.start, end: window.end })}</>;
}
