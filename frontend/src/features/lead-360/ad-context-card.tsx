import type { LeadDetail } from '@crm/contracts/browser';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Badge } from '../../components/badge';
import { ArrowRightIcon, FormIcon, MarketingIcon, NoImageIcon, WhatsappIcon } from '../../components/icons';
import { useFormatters } from '../../lib/format';
import { canUse } from '../auth/session';
import { useCurrentUser } from '../auth/guards';

type AdContextCardProps = { lead: LeadDetail };

function Thumbnail({ url, alt }: { url: string | null; alt: string }) {
  const [broken, setBroken] = useState(false);
  if (!url || broken) {
    return (
      <div
        aria-hidden="true"
        className="flex h-16 w-16 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-400"
      >
        <NoImageIcon size={20} />
      </div>
    );
  }
  return (
    <img
      src={url}
      alt={alt}
      onError={() => setBroken(true)}
      className="h-16 w-16 shrink-0 rounded-lg object-cover ring-1 ring-slate-200"
    />
  );
}

/**
 * The ad a Meta-attributed lead came from: the creative's thumbnail and headline, the ad, ad set and campaign by
 * name, how (Click-to-WhatsApp with the first message, or a Lead Ads form) and when. Never a bare id.
 */
export function AdContextCard({ lead }: AdContextCardProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const user = useCurrentUser();
  if (!lead.metaAdId) return null;

  const context = lead.adContext ?? null;
  const known = context?.known ? context : null;
  const origin = lead.origin ?? null;
  const adLabel = known?.adName ?? origin?.headline ?? t('lead360.card.unknownAd');
  const when = format.dateTime(origin?.at ?? lead.createdAt);
  const headline = known?.title ?? origin?.headline ?? null;
  const body = known?.body ?? origin?.body ?? null;

  let how: string;
  if (origin?.channel === 'lead_form') {
    how = origin.formName
      ? t('lead360.card.viaFormNamed', { form: origin.formName, date: when })
      : t('lead360.card.viaForm', { date: when });
  } else if (origin?.channel === 'whatsapp_ad') {
    how = t('lead360.card.viaWhatsapp', { ad: adLabel, date: when });
  } else {
    how = t('lead360.card.viaAd', { ad: adLabel, date: when });
  }
  const HowIcon = origin?.channel === 'lead_form' ? FormIcon : WhatsappIcon;

  return (
    <section className="card p-5" aria-labelledby="ad-context-title" data-testid="ad-context-card">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id="ad-context-title" className="text-sm font-semibold text-slate-900">
          {t('lead360.card.title')}
        </h2>
        {known?.effectiveStatus ? (
          <Badge tone={known.effectiveStatus === 'ACTIVE' ? 'success' : 'neutral'}>
            {known.effectiveStatus === 'ACTIVE' ? t('lead360.card.active') : t('lead360.card.notActive')}
          </Badge>
        ) : null}
      </div>

      {context === null ? (
        <p className="mb-3 text-sm text-slate-500" data-testid="ad-context-unavailable">
          {t('lead360.card.unavailable')}
        </p>
      ) : !known ? (
        <p className="mb-3 text-sm font-medium text-slate-700" data-testid="ad-context-unknown">
          {t('lead360.card.notInMeta')}
        </p>
      ) : null}

      {known || headline ? (
        <div className="mb-4 flex gap-3">
          <Thumbnail
            url={known?.thumbnailUrl ?? null}
            alt={t('lead360.card.thumbnailAlt', { ad: adLabel })}
          />
          <div className="min-w-0">
            {headline ? <p className="font-medium text-slate-900">{headline}</p> : null}
            {body ? <p className="mt-0.5 line-clamp-3 text-sm text-slate-600">{body}</p> : null}
          </div>
        </div>
      ) : null}

      {known ? (
        <dl className="mb-4 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-500">{t('lead360.card.ad')}</dt>
          <dd className="truncate text-slate-900">{known.adName}</dd>
          <dt className="text-slate-500">{t('lead360.card.adset')}</dt>
          <dd className="truncate text-slate-900">{known.adsetName}</dd>
          <dt className="text-slate-500">{t('lead360.card.campaign')}</dt>
          <dd className="truncate text-slate-900">{known.campaignName}</dd>
        </dl>
      ) : null}

      <p className="flex items-start gap-2 text-sm text-slate-700">
        <HowIcon aria-hidden="true" size={16} className="mt-0.5 shrink-0 text-emerald-600" />
        <span data-testid="ad-context-how">{how}</span>
      </p>
      {origin?.message ? (
        <blockquote className="mt-2 border-l-2 border-slate-200 pl-3 text-sm italic text-slate-600">
          {t('lead360.card.message', { message: origin.message })}
        </blockquote>
      ) : null}

      {canUse('marketing', user.role) ? (
        <Link
          to="/marketing"
          className="mt-4 inline-flex items-center gap-1.5 text-sm font-medium text-indigo-700 hover:underline"
        >
          <MarketingIcon aria-hidden="true" size={16} />
          {t('lead360.card.marketingHub')}
          <ArrowRightIcon aria-hidden="true" size={14} />
        </Link>
      ) : null}
    </section>
  );
}
