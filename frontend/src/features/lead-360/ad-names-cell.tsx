import type { LeadView } from '@crm/contracts/browser';
import { useTranslation } from 'react-i18next';

/**
 * The "Campaña / anuncio" cell of the leads list: the campaign and the ad by name, never by id. An ad the catalogue
 * does not know says so; a Meta lead whose names could not be fetched just says Meta.
 */
export function AdNamesCell({ lead }: { lead: Pick<LeadView, 'metaAdId' | 'adNames'> }) {
  const { t } = useTranslation();
  if (!lead.metaAdId) return <span className="text-slate-400">{t('common.none')}</span>;
  const names = lead.adNames;
  if (!names) return <span className="text-slate-500">{t('lead360.adNames.unavailable')}</span>;
  if (!names.adName) return <span className="text-slate-500">{t('lead360.adNames.unknownAd')}</span>;
  return (
    <span className="block min-w-0 max-w-56" data-testid="ad-names">
      <span className="block truncate text-slate-900" title={names.campaignName ?? undefined}>
        {names.campaignName ?? t('common.none')}
      </span>
      <span className="block truncate text-xs text-slate-500" title={names.adName}>
        {names.adName}
      </span>
    </span>
  );
}
