import type { TriggerPreview } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';
import { useCodeLabels } from '../../lib/code-labels';
import { useFormatters } from '../../lib/format';

/** A dry run's answer: the message as the contact would read it, or why nothing would be sent. */
export function PreviewResult({ preview, testId }: { preview: TriggerPreview; testId: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const labels = useCodeLabels();
  if (!preview.wouldSend) {
    return (
      <div
        data-testid={testId}
        data-would-send="false"
        role="status"
        className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-100"
      >
        <p className="font-medium">{t('automation.preview.wouldNotSend')}</p>
        <p data-testid={`${testId}-reason`}>
          {preview.reason
            ? t(`automation.reasons.${preview.reason}`)
            : (preview.reasonText ?? t('automation.preview.noReason'))}
        </p>
      </div>
    );
  }
  return (
    <div data-testid={testId} data-would-send="true" role="status" className="space-y-2 text-sm">
      <p className="text-slate-600">
        {preview.kind === 'text'
          ? t('automation.preview.freeForm')
          : t('automation.preview.template', {
              name: preview.templateName ?? '—',
              language: preview.templateLanguage ? labels.language(preview.templateLanguage) : '—',
            })}
        {preview.to ? ` · ${t('automation.preview.to', { phone: preview.to })}` : null}
      </p>
      <p
        data-testid={`${testId}-message`}
        className="max-w-prose whitespace-pre-wrap rounded-lg bg-emerald-50 px-4 py-3 text-slate-800 ring-1 ring-emerald-100"
      >
        {preview.renderedText ?? '—'}
      </p>
      {preview.sendAt ? (
        <p className="text-xs text-slate-500">
          {t('automation.preview.sendAt', { date: format.dateTime(preview.sendAt) })}
        </p>
      ) : null}
    </div>
  );
}
