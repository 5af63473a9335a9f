import { RANGE_PRESETS, type RangePreset } from '@crm/contracts/browser';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { rangeProblem, type RangeState } from './report-range';

function isPreset(value: string): value is RangePreset {
  return (RANGE_PRESETS as readonly string[]).includes(value);
}

type RangeSelectorProps = { value: RangeState; onChange: (next: RangeState) => void };

export function RangeSelector({ value, onChange }: RangeSelectorProps) {
  const { t } = useTranslation();
  const presetId = useId();
  const sinceId = useId();
  const untilId = useId();
  const problem = rangeProblem(value);

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor={presetId} className="label">
            {t('marketing.range.label')}
          </label>
          <select
            id={presetId}
            data-testid="range-select"
            value={value.preset}
            onChange={(event) => {
              if (isPreset(event.target.value)) onChange({ ...value, preset: event.target.value });
            }}
            className="input w-48"
          >
            {RANGE_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                {t(`marketing.range.presets.${preset}`)}
              </option>
            ))}
          </select>
        </div>
        {value.preset === 'custom' ? (
          <>
            <div className="space-y-1">
              <label htmlFor={sinceId} className="label">
                {t('marketing.range.since')}
              </label>
              <input
                id={sinceId}
                type="date"
                data-testid="range-since"
                value={value.since}
                max={value.until || undefined}
                onChange={(event) => onChange({ ...value, since: event.target.value })}
                className="input w-44"
              />
            </div>
            <div className="space-y-1">
              <label htmlFor={untilId} className="label">
                {t('marketing.range.until')}
              </label>
              <input
                id={untilId}
                type="date"
                data-testid="range-until"
                value={value.until}
                min={value.since || undefined}
                onChange={(event) => onChange({ ...value, until: event.target.value })}
                className="input w-44"
              />
            </div>
          </>
        ) : null}
      </div>
      {problem ? (
        <p role="alert" data-testid="range-error" className="text-sm text-rose-700">
          {t(`marketing.range.errors.${problem}`)}
        </p>
      ) : null}
    </div>
  );
}
