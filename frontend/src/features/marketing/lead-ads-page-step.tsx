import type { LeadAdsPageOption } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';

type LeadAdsPageStepProps = {
  pages: LeadAdsPageOption[];
  selected: readonly string[];
  onChange: (pageIds: string[]) => void;
};

/**
 * The wizard's Page step: the Facebook Pages whose Lead Ads leads come to this account. A Page another CRM Ventas
 * account chose cannot be ticked (a Page belongs to one account at a time, like a WhatsApp number).
 */
export function LeadAdsPageStep({ pages, selected, onChange }: LeadAdsPageStepProps) {
  const { t } = useTranslation();
  const toggle = (pageId: string, checked: boolean) =>
    onChange(checked ? [...selected, pageId] : selected.filter((id) => id !== pageId));

  return (
    <fieldset data-testid="wizard-pages" className="space-y-2">
      <legend className="label">{t('marketing.wizard.pagesLabel')}</legend>
      <p className="text-xs text-slate-500">{t('marketing.wizard.pagesHint')}</p>
      <ul className="space-y-1">
        {pages.map((page) => (
          <li key={page.id}>
            <label
              className={`flex items-center gap-2 rounded-lg border px-3 py-2 text-sm ${
                page.takenByAnotherAccount
                  ? 'border-slate-200 text-slate-400'
                  : 'border-slate-200 text-slate-900'
              }`}
            >
              <input
                type="checkbox"
                value={page.id}
                checked={selected.includes(page.id)}
                disabled={page.takenByAnotherAccount}
                onChange={(event) => toggle(page.id, event.target.checked)}
              />
              <span className="min-w-0 flex-1 truncate">{page.name || page.id}</span>
              {page.takenByAnotherAccount ? (
                <span className="text-xs">{t('marketing.wizard.pageTaken')}</span>
              ) : null}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/**
 * What the step starts with: the Pages this account already chose. Nothing else is ticked for the user: choosing a
 * Page takes it for this account and reads its last 90 days of leads.
 */
export function initialPageSelection(pages: readonly LeadAdsPageOption[]): string[] {
  return pages.filter((page) => page.chosen).map((page) => page.id);
}
