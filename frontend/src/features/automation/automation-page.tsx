import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/error-state';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { MetaErrorNotice } from '../marketing/meta-error-notice';
import { AutomationLog } from './automation-log';
import { useRules, useTemplates } from './automation-api';
import { RuleCard } from './rule-card';

export function AutomationPage() {
  const { t } = useTranslation();
  const rules = useRules();
  const templates = useTemplates();
  const rule = rules.data?.find((item) => item.key === 'lead_followup');

  return (
    <div className="space-y-6">
      <PageHeader title={t('automation.title')} description={t('automation.description')} />
      <Link to="/automation/templates" className="text-sm font-medium underline">
        {t('templates.link')}
      </Link>

      {rules.isPending || templates.isPending ? (
        <div role="status" className="card space-y-3 p-5">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-5 w-48" />
          <SkeletonBlock className="h-4 w-80 max-w-full" />
          <SkeletonBlock className="h-24 w-full" />
        </div>
      ) : rules.isError ? (
        <div className="card">
          <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
        </div>
      ) : rule ? (
        <>
          {templates.isError ? (
            <MetaErrorNotice error={templates.error} onRetry={() => void templates.refetch()} />
          ) : null}
          <RuleCard key={rule.key} rule={rule} templates={templates.data ?? []} />
        </>
      ) : (
        <div className="card">
          <ErrorState error={null} title={t('automation.rule.missing')} />
        </div>
      )}

      <AutomationLog />
    </div>
  );
}
