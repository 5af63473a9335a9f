import type { AutomationRuleView } from '@crm/contracts/browser';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { useManualTrigger, usePreview } from './hsm-api';
import { LeadPicker, type PickedLead } from './lead-picker';
import { PreviewResult } from './preview-result';
import { useRuleWords } from './rule-words';

/** Run one rule for one lead: first a dry run (what would be sent, or why not), then send it for real. */
export function ManualTrigger({ rules }: { rules: AutomationRuleView[] }) {
  const { t } = useTranslation();
  const words = useRuleWords();
  const ruleId = useId();
  const [ruleKey, setRuleKey] = useState(rules[0]?.key ?? '');
  const [lead, setLead] = useState<PickedLead | null>(null);
  const preview = usePreview();
  const trigger = useManualTrigger();

  const reset = () => {
    preview.reset();
    trigger.reset();
  };
  const canSend = preview.data?.wouldSend === true && !trigger.isSuccess;

  return (
    <section
      aria-labelledby={`${ruleId}-title`}
      data-testid="manual-trigger"
      className="card space-y-4 p-4 sm:p-5"
    >
      <div>
        <h2 id={`${ruleId}-title`} className="text-base font-semibold text-slate-900">
          {t('automation.manual.title')}
        </h2>
        <p className="mt-1 text-sm text-slate-500">{t('automation.manual.description')}</p>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={ruleId} className="label">
            {t('automation.manual.rule')}
          </label>
          <select
            id={ruleId}
            data-testid="manual-rule"
            value={ruleKey}
            onChange={(event) => {
              setRuleKey(event.target.value);
              reset();
            }}
            className="input w-full"
          >
            {rules.map((rule) => (
              <option key={rule.key} value={rule.key}>
                {words.title(rule)}
              </option>
            ))}
          </select>
        </div>
        <LeadPicker
          value={lead}
          onChange={(next) => {
            setLead(next);
            reset();
          }}
          testId="manual-lead"
        />
      </div>
      <div className="flex flex-col gap-2 sm:flex-row">
        <button
          type="button"
          data-testid="manual-dry-run"
          className="btn-secondary"
          disabled={!lead || !ruleKey || preview.isPending}
          onClick={() => lead && preview.mutate({ ruleKey, leadId: lead.id })}
        >
          {preview.isPending ? t('automation.manual.checking') : t('automation.manual.dryRun')}
        </button>
        <button
          type="button"
          data-testid="manual-send"
          className="btn-primary"
          disabled={!canSend || trigger.isPending || !lead}
          onClick={() => lead && trigger.mutate({ ruleKey, leadId: lead.id })}
        >
          {trigger.isPending ? t('automation.manual.sending') : t('automation.manual.send')}
        </button>
      </div>
      {preview.data ? <PreviewResult preview={preview.data} testId="manual-preview" /> : null}
      {preview.isError ? (
        <p role="alert" className="text-sm text-rose-700">
          {t('automation.cards.previewFailed', { message: preview.error.message })}
        </p>
      ) : null}
      {trigger.isSuccess ? (
        <p role="status" data-testid="manual-sent" className="text-sm font-medium text-emerald-700">
          {t('automation.manual.sent', { name: lead?.name ?? '' })}
        </p>
      ) : null}
      {trigger.isError ? (
        <p role="alert" data-testid="manual-error" className="text-sm text-rose-700">
          {isApiError(trigger.error) && trigger.error.code === 'CONFLICT'
            ? t('automation.manual.conflict')
            : t('automation.manual.failed', { message: trigger.error.message })}
        </p>
      ) : null}
    </section>
  );
}
