import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DELAY_UNITS, isDelayUnit, type DelayUnit } from './delay';

type DelayFieldProps = {
  /** What the delay means for the rule's trigger ("Wait", "Before the deadline"…). */
  legend: string;
  /** The number as typed (checked when the form is saved). */
  value: string;
  unit: DelayUnit;
  onChange: (change: { value?: string; unit?: DelayUnit }) => void;
  /** Smallest value offered by the input's arrows. */
  min?: number;
  /** `<testId>-value` and `<testId>-unit`. */
  testId: string;
  invalid?: boolean;
  /** The field's problem, under it. */
  error?: ReactNode;
};

/** A delay as a whole number and a unit (seconds … days), e.g. 90 minutes. */
export function DelayField({
  legend,
  value,
  unit,
  onChange,
  min = 0,
  testId,
  invalid,
  error,
}: DelayFieldProps) {
  const { t } = useTranslation();
  return (
    <fieldset className="space-y-1">
      <legend className="label">{legend}</legend>
      <div className="flex gap-2">
        <input
          type="number"
          min={min}
          step={1}
          inputMode="numeric"
          aria-label={t('automation.rule.delayValue')}
          data-testid={`${testId}-value`}
          value={value}
          aria-invalid={invalid ? true : undefined}
          onChange={(event) => onChange({ value: event.target.value })}
          className="input w-28"
        />
        <select
          aria-label={t('automation.rule.delayUnit')}
          data-testid={`${testId}-unit`}
          value={unit}
          onChange={(event) => {
            if (isDelayUnit(event.target.value)) onChange({ unit: event.target.value });
          }}
          className="input w-36"
        >
          {DELAY_UNITS.map((option) => (
            <option key={option} value={option}>
              {t(`automation.units.${option}`)}
            </option>
          ))}
        </select>
      </div>
      {error}
    </fieldset>
  );
}
