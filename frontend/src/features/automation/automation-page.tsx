import type { AutomationRuleView } from '@crm/contracts/browser';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useBlocker } from 'react-router';
import { Dialog } from '../../components/dialog';
import { ErrorState } from '../../components/error-state';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { MetaErrorNotice } from '../marketing/meta-error-notice';
import { AutomationLog } from './automation-log';
import { FunnelsPanel } from './funnels-panel';
import { useAutomationRules, useDeleteRule, useTemplateDetails } from './hsm-api';
import { LiveStreamProvider } from './live-stream';
import { ManualTrigger } from './manual-trigger';
import { RuleCard } from './rule-card';
import { isDirty, type RuleDraft } from './rule-draft';
import { RuleEditor } from './rule-editor';
import { useRuleWords } from './rule-words';

/** Unsaved rule edits: a leave inside the app asks first, and so does closing or reloading the tab. */
function useLeaveGuard(dirty: boolean) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  return blocker;
}

export function AutomationPage() {
  const { t } = useTranslation();
  const words = useRuleWords();
  const rules = useAutomationRules();
  const templates = useTemplateDetails();
  const remove = useDeleteRule();
  const [drafts, setDrafts] = useState<Record<string, RuleDraft>>({});
  const [expanded, setExpanded] = useState<string | null>(null);
  const [editing, setEditing] = useState<AutomationRuleView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AutomationRuleView | null>(null);

  const list = rules.data ?? [];
  const dirty = list.some((rule) => isDirty(rule, drafts[rule.key]));
  const blocker = useLeaveGuard(dirty);
  const setDraft = (key: string, draft: RuleDraft | undefined) =>
    setDrafts((current) => {
      const next = { ...current };
      if (draft) next[key] = draft;
      else delete next[key];
      return next;
    });

  return (
    <div className="space-y-6">
      <PageHeader title={t('automation.title')} description={t('automation.description')} />
      <Link to="/automation/templates" className="text-sm font-medium underline">
        {t('templates.link')}
      </Link>

      {rules.isPending ? (
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
      ) : (
        <section aria-labelledby="automation-rules-title" className="space-y-3">
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
            <h2 id="automation-rules-title" className="text-base font-semibold text-slate-900">
              {t('automation.cards.title')}
            </h2>
            <button
              type="button"
              data-testid="rule-new"
              className="btn-primary"
              onClick={() => setEditing('new')}
            >
              {t('automation.cards.new')}
            </button>
          </div>
          {templates.isError ? (
            <MetaErrorNotice error={templates.error} onRetry={() => void templates.refetch()} />
          ) : null}
          {list.length === 0 ? (
            <div className="card">
              <ErrorState error={null} title={t('automation.rule.missing')} />
            </div>
          ) : (
            list.map((rule) => (
              <RuleCard
                key={rule.key}
                rule={rule}
                templates={templates.data ?? []}
                draft={drafts[rule.key]}
                onDraft={(draft) => setDraft(rule.key, draft)}
                expanded={expanded === rule.key}
                onExpandedChange={(open) => setExpanded(open ? rule.key : null)}
                onEdit={rule.builtIn ? undefined : () => setEditing(rule)}
                onDelete={rule.builtIn ? undefined : () => setDeleting(rule)}
              />
            ))
          )}
        </section>
      )}

      {list.length > 0 ? <ManualTrigger rules={list} /> : null}
      <LiveStreamProvider>
        <FunnelsPanel rules={list} />
        <AutomationLog rules={list.map((rule) => ({ key: rule.key, label: words.title(rule) }))} />
      </LiveStreamProvider>

      {editing ? (
        <RuleEditor
          rule={editing === 'new' ? null : editing}
          templates={templates.data ?? []}
          onClose={(saved) => {
            setEditing(null);
            if (saved) {
              setDraft(saved.key, undefined);
              setExpanded(saved.key);
            }
          }}
        />
      ) : null}

      {deleting ? (
        <Dialog title={t('automation.cards.deleteTitle')} testId="rule-delete-dialog">
          <p className="text-sm text-slate-600">
            {t('automation.cards.deleteBody', { name: words.title(deleting) })}
          </p>
          {remove.isError ? (
            <p role="alert" className="mt-2 text-sm text-rose-700">
              {t('automation.cards.deleteFailed', { message: remove.error.message })}
            </p>
          ) : null}
          <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <button
              type="button"
              className="btn-secondary"
              onClick={() => {
                remove.reset();
                setDeleting(null);
              }}
            >
              {t('automation.editor.cancel')}
            </button>
            <button
              type="button"
              data-testid="rule-delete-confirm"
              className="btn-primary bg-rose-600 hover:bg-rose-700"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(deleting.key, {
                  onSuccess: () => {
                    setDraft(deleting.key, undefined);
                    setDeleting(null);
                  },
                })
              }
            >
              {t('automation.cards.deleteConfirm')}
            </button>
          </div>
        </Dialog>
      ) : null}

      {blocker.state === 'blocked' ? (
        <Dialog title={t('automation.cards.leaveTitle')} testId="rule-leave-dialog">
          <p className="text-sm text-slate-600">{t('automation.cards.leaveBody')}</p>
          <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <button
              type="button"
              data-testid="rule-leave-stay"
              className="btn-primary"
              onClick={() => blocker.reset()}
            >
              {t('automation.cards.stay')}
            </button>
            <button
              type="button"
              data-testid="rule-leave-go"
              className="btn-secondary"
              onClick={() => blocker.proceed()}
            >
              {t('automation.cards.leave')}
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
