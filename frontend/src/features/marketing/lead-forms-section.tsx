import {
  MODULE_ROLES,
  type ConnectionStatus,
  type LeadAdsPageOption,
  type LeadFormView,
  type Role,
} from '@crm/contracts/browser';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/badge';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { EditIcon, FormIcon, RefreshIcon } from '../../components/icons';
import { SkeletonSection } from '../../components/skeleton';
import { useCodeLabels } from '../../lib/code-labels';
import { useFormatters } from '../../lib/format';
import { useOptionalCurrentUser } from '../auth/guards';
import { SettingsCard } from '../settings/settings-form';
import { isMetaFailure, leadAdsKeys, useLeadForms, useSyncLeadForms } from './lead-ads-api';
import { initialPageSelection, LeadAdsPageStep } from './lead-ads-page-step';
import { LeadBackfill } from './lead-backfill';
import { LeadFormMappingEditor } from './lead-form-mapping-editor';
import { useLeadAdsPages, useSelectLeadAdsPages } from './marketing-api';
import { MetaErrorNotice } from './meta-error-notice';

/** A Page and its forms, in the order the API lists them (by form name). */
type PageGroup = { pageId: string; pageName: string | null; forms: LeadFormView[] };

function groupByPage(forms: readonly LeadFormView[]): PageGroup[] {
  const groups = new Map<string, PageGroup>();
  for (const form of forms) {
    const group = groups.get(form.pageId) ?? { pageId: form.pageId, pageName: form.pageName, forms: [] };
    group.forms.push(form);
    groups.set(form.pageId, group);
  }
  return [...groups.values()].sort((a, b) => (a.pageName ?? '').localeCompare(b.pageName ?? ''));
}

const canSee = (role: Role | undefined) =>
  role !== undefined && (MODULE_ROLES.marketing as readonly Role[]).includes(role);

/**
 * "Formularios de Lead Ads": the forms of the chosen Facebook Pages grouped by Page, each answer's place in the CRM
 * lead (editable per form), and backfills of a form's leads from Meta. For the roles of the Marketing Hub once Meta
 * is connected and set up; starting a backfill is the ceo's.
 */
export function LeadFormsSection({ status }: { status: ConnectionStatus }) {
  const { t } = useTranslation();
  const user = useOptionalCurrentUser();
  if (!canSee(user?.role) || status.state !== 'connected' || !status.setupComplete) return null;
  return (
    <SettingsCard
      title={t('marketing.leadAds.title')}
      description={t('marketing.leadAds.description')}
      testId="lead-forms-section"
    >
      <LeadForms canStartBackfill={user?.role === 'ceo'} />
    </SettingsCard>
  );
}

function LeadForms({ canStartBackfill }: { canStartBackfill: boolean }) {
  const { t } = useTranslation();
  const forms = useLeadForms(true);
  const sync = useSyncLeadForms();

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className="btn-secondary"
          data-testid="lead-forms-sync"
          onClick={() => sync.mutate()}
          disabled={sync.isPending || forms.isPending}
        >
          <RefreshIcon size={16} aria-hidden="true" />
          {sync.isPending ? t('marketing.leadAds.syncing') : t('marketing.leadAds.sync')}
        </button>
      </div>
      {sync.isError ? <SyncProblem error={sync.error} /> : null}

      {forms.isPending ? (
        <SkeletonSection />
      ) : forms.isError ? (
        isMetaFailure(forms.error) ? (
          <MetaErrorNotice error={forms.error} onRetry={() => void forms.refetch()} />
        ) : (
          <ErrorState error={forms.error} onRetry={() => void forms.refetch()} />
        )
      ) : forms.data.length === 0 ? (
        <NoForms />
      ) : (
        <div className="space-y-5" data-testid="lead-forms">
          {groupByPage(forms.data).map((group) => (
            <PageForms key={group.pageId} group={group} />
          ))}
        </div>
      )}

      <LeadBackfill forms={forms.data ?? []} canStart={canStartBackfill} />
    </div>
  );
}

function SyncProblem({ error }: { error: unknown }) {
  return isMetaFailure(error) ? <MetaErrorNotice error={error} /> : <ErrorState error={error} />;
}

function PageForms({ group }: { group: PageGroup }) {
  const { t } = useTranslation();
  const name = group.pageName ?? t('marketing.leadAds.unknownPage');
  return (
    <section aria-label={name} data-testid="lead-forms-page">
      <h3 className="text-sm font-semibold break-words text-slate-900">
        {t('marketing.leadAds.page', { name })}
      </h3>
      <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200">
        {group.forms.map((form) => (
          <FormItem key={form.id} form={form} />
        ))}
      </ul>
    </section>
  );
}

function FormItem({ form }: { form: LeadFormView }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const labels = useCodeLabels();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  return (
    <li className="p-3" data-testid="lead-form" data-form-id={form.id}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 flex-1 basis-56">
          <p className="flex items-center gap-2 font-medium text-slate-900">
            <FormIcon size={16} aria-hidden="true" className="shrink-0 text-slate-400" />
            <span className="min-w-0 break-words">{form.name || t('marketing.leadAds.unnamedForm')}</span>
          </p>
          <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
            <Badge tone={form.status === 'ACTIVE' ? 'success' : 'neutral'} testId="lead-form-status">
              {labels.leadFormStatus(form.status)}
            </Badge>
            <span>
              {t('marketing.leadAds.questions', {
                count: form.questions.length,
                n: format.integer(form.questions.length),
              })}
            </span>
            <span>{t('marketing.leadAds.syncedAt', { at: format.dateTime(form.syncedAt) })}</span>
            <span data-testid="lead-form-mapping-kind">
              {form.customMapping
                ? t('marketing.leadAds.customMapping')
                : t('marketing.leadAds.defaultMapping')}
            </span>
          </div>
        </div>
        {editing ? null : (
          <button
            type="button"
            className="btn-secondary"
            aria-label={t('marketing.leadAds.editMappingOf', { name: form.name })}
            onClick={() => {
              setEditing(true);
              setSaved(false);
            }}
          >
            <EditIcon size={16} aria-hidden="true" />
            {t('marketing.leadAds.editMapping')}
          </button>
        )}
      </div>
      {saved ? (
        <p role="status" className="mt-2 text-sm text-emerald-700">
          {t('marketing.leadAds.mapping.saved')}
        </p>
      ) : null}
      {editing ? (
        <LeadFormMappingEditor
          form={form}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setSaved(true);
          }}
        />
      ) : null}
    </li>
  );
}

/**
 * No synced form: either no Page is chosen yet (then the Pages can be chosen here, as in the wizard's Page step) or
 * the chosen Pages have no Lead Ads form on Meta.
 */
function NoForms() {
  const { t } = useTranslation();
  const pages = useLeadAdsPages(true);
  if (pages.isPending) return <SkeletonSection />;
  if (pages.isError) {
    return (
      <div className="space-y-2" data-testid="lead-forms-empty">
        <p className="text-sm text-slate-600">{t('marketing.leadAds.noFormsPagesUnknown')}</p>
        <MetaErrorNotice error={pages.error} onRetry={() => void pages.refetch()} />
      </div>
    );
  }
  const chosen = pages.data.filter((page) => page.chosen);
  if (chosen.length > 0) {
    return (
      <div data-testid="lead-forms-empty">
        <EmptyState
          title={t('marketing.leadAds.noForms')}
          description={t('marketing.leadAds.noFormsHint', {
            pages: chosen.map((page) => page.name || t('marketing.leadAds.unknownPage')).join(', '),
          })}
        />
      </div>
    );
  }
  return <ChoosePages pages={pages.data} />;
}

function ChoosePages({ pages }: { pages: LeadAdsPageOption[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const select = useSelectLeadAdsPages();
  const [selected, setSelected] = useState<string[]>(() => initialPageSelection(pages));

  return (
    <div className="space-y-3" data-testid="lead-forms-empty">
      <EmptyState title={t('marketing.leadAds.noPages')} description={t('marketing.leadAds.noPagesHint')} />
      {pages.length === 0 ? (
        <p className="text-sm text-slate-500">{t('marketing.wizard.noPages')}</p>
      ) : (
        <div className="max-w-xl space-y-3">
          <LeadAdsPageStep pages={pages} selected={selected} onChange={setSelected} />
          <button
            type="button"
            className="btn-primary"
            data-testid="lead-forms-choose-pages"
            disabled={selected.length === 0 || select.isPending}
            onClick={() =>
              select.mutate(selected, {
                onSuccess: () => {
                  void queryClient.invalidateQueries({ queryKey: leadAdsKeys.forms });
                  void queryClient.invalidateQueries({ queryKey: leadAdsKeys.backfills });
                },
              })
            }
          >
            {select.isPending ? t('marketing.wizard.saving') : t('marketing.leadAds.choosePages')}
          </button>
          {select.isError ? <MetaErrorNotice error={select.error} /> : null}
        </div>
      )}
    </div>
  );
}
