import { REPORT_VIEWS, type ReportView } from '@crm/contracts/browser';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

type ViewSwitchProps = { value: ReportView; onChange: (view: ReportView) => void };

/**
 * Cohort or period, as two segments (native radios: arrow keys move between them). The chosen view's one-line
 * explanation sits below; each segment also carries its own as a tooltip.
 */
export function ViewSwitch({ value, onChange }: ViewSwitchProps) {
  const { t } = useTranslation();
  const name = useId();
  const helpId = `${name}-help`;
  return (
    <fieldset data-testid="view-switch" aria-describedby={helpId} className="min-w-0 space-y-1">
      <legend className="label">{t('marketing.view.label')}</legend>
      <div className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
        {REPORT_VIEWS.map((view) => (
          <label
            key={view}
            title={t(`marketing.view.help.${view}`)}
            className={`cursor-pointer rounded px-3 py-1.5 text-sm font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-200 ${
              value === view ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100'
            }`}
          >
            <input
              type="radio"
              name={name}
              value={view}
              data-testid={`view-option-${view}`}
              checked={value === view}
              onChange={() => onChange(view)}
              className="sr-only"
            />
            {t(`marketing.view.options.${view}`)}
          </label>
        ))}
      </div>
      <p id={helpId} data-testid="view-help" className="max-w-xs text-xs text-slate-500">
        {t(`marketing.view.help.${value}`)}
      </p>
    </fieldset>
  );
}

/** "Vista: periodo": which view a block of numbers uses. */
export function ViewCaption({ view, testId }: { view: ReportView; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span
      data-testid={testId}
      className="inline-flex shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600"
    >
      {t(`marketing.view.caption.${view}`)}
    </span>
  );
}
