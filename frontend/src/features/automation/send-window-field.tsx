import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../components/form-field';

/** Monday first, as a week reads in Mexico; the values are the API's (0 = Sunday … 6). */
export const WEEK_DAYS = [1, 2, 3, 4, 5, 6, 0] as const;

export type SendWindowValue = { days: number[]; start: string; end: string };

type SendWindowFieldProps = {
  value: SendWindowValue;
  onChange: (change: Partial<SendWindowValue>) => void;
  /** `<testId>-day-<n>`, `<testId>-start` and `<testId>-end`. */
  testId: string;
  /** The window's problem (no day, start not before end…), under it. */
  error?: ReactNode;
};

/** When messages may go out: the days of the week, and from–to hours (HH:MM). */
export function SendWindowField({ value, onChange, testId, error }: SendWindowFieldProps) {
  const { t } = useTranslation();
  const toggle = (day: number) =>
    onChange({ days: value.days.includes(day) ? value.days.filter((d) => d !== day) : [...value.days, day] });
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        {WEEK_DAYS.map((day) => (
          <CheckboxField
            key={day}
            label={t(`automation.days.${day}`)}
            testId={`${testId}-day-${day}`}
            checked={value.days.includes(day)}
            onChange={() => toggle(day)}
            className="flex items-center gap-1 text-sm text-slate-700"
          />
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <input
          type="time"
          aria-label={t('automation.editor.windowStart')}
          data-testid={`${testId}-start`}
          value={value.start}
          onChange={(event) => onChange({ start: event.target.value })}
          className="input w-32"
        />
        <span aria-hidden="true">–</span>
        <input
          type="time"
          aria-label={t('automation.editor.windowEnd')}
          data-testid={`${testId}-end`}
          value={value.end}
          onChange={(event) => onChange({ end: event.target.value })}
          className="input w-32"
        />
      </div>
      {error}
    </div>
  );
}
