import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateDetailView } from '@crm/contracts/browser';
import { Badge, type BadgeTone } from '../../components/badge';
import { ErrorState } from '../../components/error-state';
import { PageHeader } from '../../components/page-header';
import { SkeletonSection } from '../../components/skeleton';
import { useCodeLabels } from '../../lib/code-labels';
import { useFormatters } from '../../lib/format';
import { TemplateForm } from './template-form';
import { useRefreshTemplateDetails, useTemplateDetails } from './templates-api';

const KNOWN_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'DELETED'];
const KNOWN_QUALITY = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'];
const KNOWN_REASONS = [
  'ABUSIVE_CONTENT',
  'CATEGORY_NOT_AVAILABLE',
  'INCORRECT_CATEGORY',
  'INVALID_FORMAT',
  'PROMOTIONAL',
  'SCAM',
  'TAG_CONTENT_MISMATCH',
  'FIRST_PAUSE',
  'SECOND_PAUSE',
  'RATE_LIMITING_PAUSE',
];

const STATUS_TONES: Partial<Record<string, BadgeTone>> = {
  APPROVED: 'success',
  PENDING: 'info',
  IN_APPEAL: 'info',
  PAUSED: 'warning',
  REJECTED: 'danger',
  DISABLED: 'danger',
};
const QUALITY_TONES: Partial<Record<string, BadgeTone>> = {
  GREEN: 'success',
  YELLOW: 'warning',
  RED: 'danger',
};

/** WhatsApp templates: status, category, language, quality and Meta's reason in words; create one for review. */
export function TemplatesPage() {
  const { t } = useTranslation();
  const templates = useTemplateDetails();
  const refresh = useRefreshTemplateDetails();
  const [creating, setCreating] = useState(false);

  return (
    <div className="space-y-6">
      <PageHeader title={t('templates.title')} description={t('templates.description')} />
      <div className="flex gap-2">
        <button type="button" className="btn-primary" onClick={() => setCreating((c) => !c)}>
          {creating ? t('templates.closeForm') : t('templates.new')}
        </button>
        <button
          type="button"
          className="btn-secondary"
          disabled={refresh.isPending}
          onClick={() => refresh.mutate()}
        >
          {t('templates.refresh')}
        </button>
      </div>
      {creating ? <TemplateForm onCreated={() => setCreating(false)} /> : null}
      {templates.isPending ? (
        <SkeletonSection className="card p-5" />
      ) : templates.isError ? (
        <div className="card">
          <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
        </div>
      ) : templates.data.length === 0 ? (
        <div className="card p-5">
          <p>{t('templates.empty')}</p>
        </div>
      ) : (
        <ul className="space-y-3" aria-label={t('templates.title')}>
          {templates.data.map((template) => (
            <TemplateItem key={`${template.name}:${template.language}`} template={template} />
          ))}
        </ul>
      )}
    </div>
  );
}

function TemplateItem({ template }: { template: TemplateDetailView }) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  const labels = useCodeLabels();
  const word = (group: 'status' | 'category' | 'quality' | 'reason', value: string, known: string[]) =>
    known.includes(value) ? String(t(`templates.${group}.${value}` as never)) : value;
  return (
    <li className="card space-y-2 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-semibold break-all">{template.name}</h3>
        <Badge>{labels.language(template.language)}</Badge>
        <Badge tone={STATUS_TONES[template.status] ?? 'neutral'} testId="template-status">
          {word('status', template.status, KNOWN_STATUSES)}
        </Badge>
        <Badge tone="accent">
          {word('category', template.category, ['MARKETING', 'UTILITY', 'AUTHENTICATION'])}
        </Badge>
        {template.qualityScore ? (
          <Badge tone={QUALITY_TONES[template.qualityScore] ?? 'neutral'}>
            {t('templates.qualityLabel')}: {word('quality', template.qualityScore, KNOWN_QUALITY)}
          </Badge>
        ) : null}
      </div>
      {template.headerText ? <p className="font-medium">{template.headerText}</p> : null}
      <p className="whitespace-pre-wrap text-sm">{template.bodyText}</p>
      {template.footerText ? <p className="text-xs text-slate-500">{template.footerText}</p> : null}
      {template.buttons.length > 0 ? (
        <p className="text-xs">{template.buttons.map((b) => b.text).join(' · ')}</p>
      ) : null}
      {template.reason ? (
        <p className="text-sm text-amber-800">
          {t('templates.reasonLabel')}: {word('reason', template.reason, KNOWN_REASONS)}
        </p>
      ) : null}
      {template.rejectionInfo ? (
        <p className="text-sm text-red-800">
          {t('templates.rejection', {
            reason: template.rejectionInfo.reason,
            recommendation: template.rejectionInfo.recommendation ?? '—',
          })}
        </p>
      ) : null}
      {template.statusUpdatedAt ? (
        <p className="text-xs text-slate-500">
          {t('templates.statusSince', { at: dateTime(template.statusUpdatedAt) })}
        </p>
      ) : null}
    </li>
  );
}
