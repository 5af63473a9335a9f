import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/error-state';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { isApiError } from '../../api/http';
import { ConnectionBanner } from './connection-banner';
import { ConversionsSection } from './conversions-section';
import { LeadFormsSection } from './lead-forms-section';
import { useTokenStatus } from './marketing-api';
import { MarketingDashboard } from './marketing-dashboard';
import { MetaCallbackMessage } from './meta-callback-message';
import { MetaErrorNotice } from './meta-error-notice';
import { SetupWizard } from './setup-wizard';

export function MarketingPage() {
  const { t } = useTranslation();
  const tokenStatus = useTokenStatus();
  const status = tokenStatus.data;

  return (
    <div className="space-y-5">
      <PageHeader title={t('marketing.title')} description={t('marketing.description')} />
      <MetaCallbackMessage />

      {tokenStatus.isPending ? (
        <div role="status" className="card space-y-3 p-5">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-4 w-32" />
          <SkeletonBlock className="h-6 w-64" />
          <SkeletonBlock className="h-4 w-96 max-w-full" />
        </div>
      ) : tokenStatus.isError ? (
        isApiError(tokenStatus.error) && tokenStatus.error.code.startsWith('META_') ? (
          <MetaErrorNotice error={tokenStatus.error} onRetry={() => void tokenStatus.refetch()} />
        ) : (
          <div className="card">
            <ErrorState error={tokenStatus.error} onRetry={() => void tokenStatus.refetch()} />
          </div>
        )
      ) : status ? (
        <>
          <ConnectionBanner status={status} />
          {status.state === 'connected' && !status.setupComplete ? <SetupWizard /> : null}
          {status.state === 'connected' && status.setupComplete ? <MarketingDashboard /> : null}
          <ConversionsSection status={status} />
          <LeadFormsSection status={status} />
        </>
      ) : null}
    </div>
  );
}
