import type { AdAccountOption } from '@crm/contracts/browser';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckIcon } from '../../components/icons';
import { SkeletonBlock } from '../../components/skeleton';
import { useCodeLabels } from '../../lib/code-labels';
import { initialPageSelection, LeadAdsPageStep } from './lead-ads-page-step';
import { MetaErrorNotice } from './meta-error-notice';
import {
  useAdAccounts,
  useConnectAssets,
  useLeadAdsPages,
  usePhoneNumbers,
  usePortfolios,
  useSelectLeadAdsPages,
} from './marketing-api';

type WizardStep = 'portfolio' | 'adAccount' | 'phoneNumber' | 'pages';
const STEPS: readonly WizardStep[] = ['portfolio', 'adAccount', 'phoneNumber', 'pages'];

/** Meta `account_status` codes with a name; anything else is shown as "not active". */
const KNOWN_ACCOUNT_STATUSES = [1, 2, 3, 7, 8, 9, 100, 101, 201, 202] as const;
type KnownAccountStatus = (typeof KNOWN_ACCOUNT_STATUSES)[number];

function isKnownAccountStatus(value: number): value is KnownAccountStatus {
  return (KNOWN_ACCOUNT_STATUSES as readonly number[]).includes(value);
}

type QueryLike = { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };

function StepBody({ query, empty, children }: { query: QueryLike; empty: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  if (query.isPending) {
    return (
      <div role="status" className="space-y-2">
        <span className="sr-only">{t('common.loading')}</span>
        <SkeletonBlock className="h-9 w-full" />
      </div>
    );
  }
  if (query.isError) return <MetaErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (empty) return <p className="text-sm text-slate-500">{t('marketing.wizard.noOptions')}</p>;
  return <>{children}</>;
}

/**
 * Portfolio → ad account → WhatsApp number → Facebook Pages (Lead Ads), then PUT /crm/marketing/lead-ads/pages and
 * POST /crm/marketing/connect (the Pages first: once connected, the wizard is gone).
 */
export function SetupWizard() {
  const { t } = useTranslation();
  const labels = useCodeLabels();
  const [step, setStep] = useState<WizardStep>('portfolio');
  const [businessId, setBusinessId] = useState<string | null>(null);
  const [adAccountId, setAdAccountId] = useState<string | null>(null);
  const [phoneNumberId, setPhoneNumberId] = useState<string | null>(null);
  const [pageIds, setPageIds] = useState<string[] | null>(null);
  const portfolioSelectId = useId();
  const adAccountSelectId = useId();
  const phoneSelectId = useId();

  const portfolios = usePortfolios(true);
  const confirmedBusinessId = step === 'portfolio' ? null : businessId;
  const adAccounts = useAdAccounts(confirmedBusinessId);
  const phoneNumbers = usePhoneNumbers(
    step === 'phoneNumber' || step === 'pages' ? confirmedBusinessId : null,
  );
  const pages = useLeadAdsPages(step === 'pages');
  const connect = useConnectAssets();
  const selectPages = useSelectLeadAdsPages();
  const saving = connect.isPending || selectPages.isPending;
  const pageValue = pageIds ?? initialPageSelection(pages.data ?? []);

  // The first usable option is preselected so "Next" works at once; the user can still change it.
  const portfolioValue = businessId ?? portfolios.data?.[0]?.id ?? '';
  const adAccountValue = adAccountId ?? adAccounts.data?.find((account) => account.selectable)?.id ?? '';
  const phoneValue = phoneNumberId ?? phoneNumbers.data?.[0]?.id ?? '';
  const selectedPhone = phoneNumbers.data?.find((phone) => phone.id === phoneValue);
  const selectedAccount = adAccounts.data?.find((account) => account.id === adAccountValue);

  const stepIndex = STEPS.indexOf(step);

  const accountReason = (account: AdAccountOption) =>
    isKnownAccountStatus(account.accountStatus)
      ? t(`marketing.wizard.accountStatus.${account.accountStatus}`)
      : t('marketing.wizard.accountStatus.other', { status: account.accountStatus });

  const goNext = () => {
    if (step === 'portfolio' && portfolioValue) {
      if (portfolioValue !== businessId) {
        setAdAccountId(null);
        setPhoneNumberId(null);
      }
      setBusinessId(portfolioValue);
      setStep('adAccount');
    } else if (step === 'adAccount' && selectedAccount?.selectable) {
      setAdAccountId(selectedAccount.id);
      setStep('phoneNumber');
    } else if (step === 'phoneNumber' && selectedPhone) {
      setPhoneNumberId(selectedPhone.id);
      setStep('pages');
    }
  };

  const finish = async () => {
    if (!businessId || !selectedAccount?.selectable || !selectedPhone) return;
    // Without a change of Pages (none listed, Meta refused the list, none ticked) the connection is still saved.
    const chosenBefore = initialPageSelection(pages.data ?? []);
    const changed =
      pageValue.length !== chosenBefore.length || pageValue.some((id) => !chosenBefore.includes(id));
    if (pages.data && changed) {
      try {
        await selectPages.mutateAsync(pageValue);
      } catch {
        return;
      }
    }
    connect.mutate({
      businessId,
      adAccountId: selectedAccount.id,
      wabaId: selectedPhone.wabaId,
      phoneNumberId: selectedPhone.id,
    });
  };

  const goBack = () => {
    if (step === 'adAccount') setStep('portfolio');
    if (step === 'phoneNumber') setStep('adAccount');
    if (step === 'pages') setStep('phoneNumber');
  };

  return (
    <section
      data-testid="meta-setup-wizard"
      data-step={step}
      aria-labelledby="wizard-title"
      className="card p-5"
    >
      <h2 id="wizard-title" className="text-base font-semibold text-slate-900">
        {t('marketing.wizard.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-500">{t('marketing.wizard.description')}</p>

      <ol className="mt-5 grid gap-2 sm:grid-cols-4" aria-label={t('marketing.wizard.progress')}>
        {STEPS.map((item, index) => (
          <li
            key={item}
            aria-current={item === step ? 'step' : undefined}
            className={`flex items-center gap-2 rounded-lg border px-3 py-2 text-sm ${
              index === stepIndex
                ? 'border-indigo-300 bg-indigo-50 font-semibold text-indigo-800'
                : index < stepIndex
                  ? 'border-emerald-200 bg-emerald-50 text-emerald-800'
                  : 'border-slate-200 text-slate-500'
            }`}
          >
            <span
              aria-hidden="true"
              className="flex h-6 w-6 items-center justify-center rounded-full bg-white text-xs font-semibold ring-1 ring-current"
            >
              {index < stepIndex ? <CheckIcon size={14} /> : index + 1}
            </span>
            {t(`marketing.wizard.steps.${item}`)}
          </li>
        ))}
      </ol>

      <div className="mt-5 max-w-xl space-y-2">
        {step === 'portfolio' ? (
          <StepBody query={portfolios} empty={(portfolios.data ?? []).length === 0}>
            <label htmlFor={portfolioSelectId} className="label">
              {t('marketing.wizard.portfolioLabel')}
            </label>
            <select
              id={portfolioSelectId}
              data-testid="wizard-portfolio"
              value={portfolioValue}
              onChange={(event) => setBusinessId(event.target.value)}
              className="input"
            >
              {portfolios.data?.map((portfolio) => (
                <option key={portfolio.id} value={portfolio.id}>
                  {portfolio.verificationStatus
                    ? t('marketing.wizard.portfolioOption', {
                        name: portfolio.name,
                        status: labels.verificationStatus(portfolio.verificationStatus),
                      })
                    : portfolio.name}
                </option>
              ))}
            </select>
          </StepBody>
        ) : null}

        {step === 'adAccount' ? (
          <StepBody query={adAccounts} empty={(adAccounts.data ?? []).length === 0}>
            <label htmlFor={adAccountSelectId} className="label">
              {t('marketing.wizard.adAccountLabel')}
            </label>
            <select
              id={adAccountSelectId}
              data-testid="wizard-ad-account"
              value={adAccountValue}
              onChange={(event) => setAdAccountId(event.target.value)}
              className="input"
            >
              {adAccountValue === '' ? (
                <option value="" disabled>
                  {t('marketing.wizard.noSelectableAccount')}
                </option>
              ) : null}
              {adAccounts.data?.map((account) => (
                <option key={account.id} value={account.id} disabled={!account.selectable}>
                  {account.selectable
                    ? t('marketing.wizard.adAccountOption', {
                        name: account.name,
                        currency: account.currency,
                        timezone: account.timezone,
                      })
                    : t('marketing.wizard.adAccountDisabledOption', {
                        name: account.name,
                        reason: accountReason(account),
                      })}
                </option>
              ))}
            </select>
            {adAccounts.data?.some((account) => !account.selectable) ? (
              <p className="text-xs text-slate-500">{t('marketing.wizard.disabledHint')}</p>
            ) : null}
          </StepBody>
        ) : null}

        {step === 'phoneNumber' ? (
          <StepBody query={phoneNumbers} empty={(phoneNumbers.data ?? []).length === 0}>
            <label htmlFor={phoneSelectId} className="label">
              {t('marketing.wizard.phoneNumberLabel')}
            </label>
            <select
              id={phoneSelectId}
              data-testid="wizard-phone-number"
              value={phoneValue}
              onChange={(event) => setPhoneNumberId(event.target.value)}
              className="input"
            >
              {phoneNumbers.data?.map((phone) => (
                <option key={phone.id} value={phone.id}>
                  {t('marketing.wizard.phoneNumberOption', {
                    number: phone.displayPhoneNumber,
                    name: phone.verifiedName,
                    waba: phone.wabaName,
                    quality: labels.qualityRating(phone.qualityRating),
                  })}
                </option>
              ))}
            </select>
          </StepBody>
        ) : null}

        {step === 'pages' ? (
          pages.isError ? (
            <>
              <MetaErrorNotice error={pages.error} onRetry={() => void pages.refetch()} />
              <p className="text-xs text-slate-500">{t('marketing.wizard.pagesSkippable')}</p>
            </>
          ) : (
            <StepBody query={pages} empty={false}>
              {(pages.data ?? []).length === 0 ? (
                <p className="text-sm text-slate-500">{t('marketing.wizard.noPages')}</p>
              ) : (
                <LeadAdsPageStep pages={pages.data ?? []} selected={pageValue} onChange={setPageIds} />
              )}
            </StepBody>
          )
        ) : null}
      </div>

      {selectPages.isError ? (
        <div className="mt-4">
          <MetaErrorNotice error={selectPages.error} />
        </div>
      ) : null}
      {connect.isError ? (
        <div className="mt-4">
          <MetaErrorNotice error={connect.error} />
        </div>
      ) : null}

      <div className="mt-6 flex flex-wrap gap-2">
        {step !== 'portfolio' ? (
          <button type="button" onClick={goBack} className="btn-secondary" disabled={saving}>
            {t('marketing.wizard.back')}
          </button>
        ) : null}
        {step !== 'pages' ? (
          <button
            type="button"
            data-testid="wizard-next"
            onClick={goNext}
            disabled={
              step === 'portfolio'
                ? !portfolioValue
                : step === 'adAccount'
                  ? !selectedAccount?.selectable
                  : !selectedPhone
            }
            className="btn-primary"
          >
            {t('marketing.wizard.next')}
          </button>
        ) : (
          <button
            type="button"
            data-testid="wizard-finish"
            onClick={() => void finish()}
            disabled={!selectedPhone || saving || pages.isPending}
            className="btn-primary"
          >
            {saving ? t('marketing.wizard.saving') : t('marketing.wizard.finish')}
          </button>
        )}
      </div>
    </section>
  );
}
