import {
  LEAD_SORTS,
  LEAD_SOURCES,
  LEAD_STATUSES,
  type LeadSort,
  type LeadSource,
  type LeadStatus,
} from '@crm/contracts/browser';
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CloseIcon } from '../../components/icons';
import { useOptionalCurrentUser } from '../auth/guards';
import { canUse } from '../auth/session';
import { useUsers } from '../settings/settings-api';

const TEXT_DEBOUNCE_MS = 300;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The leads list's filters as the address bar keeps them (`/leads?status=nuevo&campaignId=…&from=2026-11-01`). */
export type LeadListParams = {
  status?: LeadStatus;
  source?: LeadSource;
  search?: string;
  campaignId?: string;
  adId?: string;
  assignedUserId?: string;
  tag?: string;
  /** Calendar days (`YYYY-MM-DD`, both included), turned into instants in the tenant's timezone. */
  from?: string;
  to?: string;
  sort?: LeadSort;
};

/**
 * Display-only names a link may carry with a campaign or ad filter (`/leads?campaignId=…&campaignName=…`, from the
 * Marketing Hub), for the chip when no lead on the page names it. Removed with their filter.
 */
export const FILTER_NAME_KEYS = { campaignId: 'campaignName', adId: 'adName' } as const;
type FilterNameKey = (typeof FILTER_NAME_KEYS)[keyof typeof FILTER_NAME_KEYS];

/** Query-string keys the filters own; a change to any of them starts again from the first page. */
export const FILTER_KEYS = [
  'status',
  'source',
  'search',
  'campaignId',
  'adId',
  'assignedUserId',
  'tag',
  'from',
  'to',
  'sort',
] as const satisfies readonly (keyof LeadListParams)[];

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((candidate) => candidate === value);
const text = (value: string | null): string | undefined => value?.trim() || undefined;
const day = (value: string | null): string | undefined => (value && DAY.test(value) ? value : undefined);

export function readLeadListParams(params: URLSearchParams): LeadListParams {
  return {
    status: oneOf(LEAD_STATUSES, params.get('status')),
    source: oneOf(LEAD_SOURCES, params.get('source')),
    search: text(params.get('search')),
    campaignId: text(params.get('campaignId')),
    adId: text(params.get('adId')),
    assignedUserId: text(params.get('assignedUserId')),
    tag: text(params.get('tag')),
    from: day(params.get('from')),
    to: day(params.get('to')),
    sort: oneOf(LEAD_SORTS, params.get('sort')),
  };
}

/** A text box that reports its value once typing pauses (and follows the address bar when that changes). */
function useDebouncedText(value: string, onChange: (value: string | null) => void) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  const [sent, setSent] = useState(value);
  if (seen !== value) {
    setSeen(value);
    // Cleared or changed from outside (a link, "clear filters"): show it; our own debounced value: keep typing.
    if (value !== sent) {
      setDraft(value);
      setSent(value);
    }
  }
  useEffect(() => {
    if (draft.trim() === value) return;
    const timer = window.setTimeout(() => {
      setSent(draft.trim());
      onChange(draft.trim() || null);
    }, TEXT_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, value, onChange]);
  return [draft, setDraft] as const;
}

type LeadFiltersBarProps = {
  params: LeadListParams;
  /** Names of the campaign and ad filtered by, when the page knows them (never shown as bare ids). */
  campaignName?: string | null;
  adName?: string | null;
  onChange: (changes: Partial<Record<keyof LeadListParams | FilterNameKey, string | null>>) => void;
};

export function LeadFiltersBar({ params, campaignName, adName, onChange }: LeadFiltersBarProps) {
  const { t } = useTranslation();
  const user = useOptionalCurrentUser();
  // Setters and closers only see their own leads: a seller filter is for those who see everyone's.
  const canPickSeller = user !== null && canUse('sellers', user.role);
  const users = useUsers({ enabled: canPickSeller });
  const ids = {
    search: useId(),
    status: useId(),
    source: useId(),
    seller: useId(),
    tag: useId(),
    from: useId(),
    to: useId(),
    sort: useId(),
  };
  const onSearch = useCallback((value: string | null) => onChange({ search: value }), [onChange]);
  const onTag = useCallback((value: string | null) => onChange({ tag: value }), [onChange]);
  const [search, setSearch] = useDebouncedText(params.search ?? '', onSearch);
  const [tag, setTag] = useDebouncedText(params.tag ?? '', onTag);
  const hasAny = FILTER_KEYS.some((key) => key !== 'sort' && params[key] !== undefined);

  return (
    <div className="card mb-4 space-y-3 p-4" data-testid="leads-filters">
      {/* Two columns already on a phone, so the list starts within the first screen. */}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <div className="col-span-2 space-y-1">
          <label htmlFor={ids.search} className="label">
            {t('leads.filters.search')}
          </label>
          <input
            id={ids.search}
            type="search"
            data-testid="leads-search"
            value={search}
            placeholder={t('leads.filters.searchPlaceholder')}
            onChange={(event) => setSearch(event.target.value)}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.status} className="label">
            {t('leads.filters.status')}
          </label>
          <select
            id={ids.status}
            data-testid="leads-filter-status"
            value={params.status ?? ''}
            onChange={(event) => onChange({ status: event.target.value || null })}
            className="input"
          >
            <option value="">{t('leads.filters.allStatuses')}</option>
            {LEAD_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`leadStatus.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.source} className="label">
            {t('leads.filters.source')}
          </label>
          <select
            id={ids.source}
            data-testid="leads-filter-source"
            value={params.source ?? ''}
            onChange={(event) => onChange({ source: event.target.value || null })}
            className="input"
          >
            <option value="">{t('leads.filters.allSources')}</option>
            {LEAD_SOURCES.map((source) => (
              <option key={source} value={source}>
                {t(`leadSource.${source}`)}
              </option>
            ))}
          </select>
        </div>
        {canPickSeller ? (
          <div className="space-y-1">
            <label htmlFor={ids.seller} className="label">
              {t('leadList.seller')}
            </label>
            <select
              id={ids.seller}
              data-testid="leads-filter-seller"
              value={params.assignedUserId ?? ''}
              onChange={(event) => onChange({ assignedUserId: event.target.value || null })}
              className="input"
            >
              <option value="">{t('leadList.allSellers')}</option>
              {(users.data ?? []).map((seller) => (
                <option key={seller.id} value={seller.id}>
                  {seller.active ? seller.name : t('leadList.inactiveSeller', { name: seller.name })}
                </option>
              ))}
              {params.assignedUserId && !users.data?.some((seller) => seller.id === params.assignedUserId) ? (
                <option value={params.assignedUserId}>{t('leadList.selectedSeller')}</option>
              ) : null}
            </select>
          </div>
        ) : null}
        <div className="space-y-1">
          <label htmlFor={ids.tag} className="label">
            {t('leadList.tag')}
          </label>
          <input
            id={ids.tag}
            data-testid="leads-filter-tag"
            value={tag}
            maxLength={40}
            onChange={(event) => setTag(event.target.value)}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.from} className="label">
            {t('leadList.createdFrom')}
          </label>
          <input
            id={ids.from}
            type="date"
            data-testid="leads-filter-from"
            value={params.from ?? ''}
            max={params.to}
            onChange={(event) => onChange({ from: event.target.value || null })}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.to} className="label">
            {t('leadList.createdTo')}
          </label>
          <input
            id={ids.to}
            type="date"
            data-testid="leads-filter-to"
            value={params.to ?? ''}
            min={params.from}
            onChange={(event) => onChange({ to: event.target.value || null })}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.sort} className="label">
            {t('leadList.sort')}
          </label>
          <select
            id={ids.sort}
            data-testid="leads-sort"
            value={params.sort ?? 'newest'}
            onChange={(event) =>
              onChange({ sort: event.target.value === 'newest' ? null : event.target.value })
            }
            className="input"
          >
            {LEAD_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {t(`leadList.sorts.${sort}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {params.campaignId || params.adId || hasAny ? (
        <div className="flex flex-wrap items-center gap-2">
          {params.campaignId ? (
            <FilterChip
              testId="leads-filter-campaign"
              label={t('leadList.campaignChip', { name: campaignName ?? t('leadList.selectedCampaign') })}
              removeLabel={t('leadList.removeFilter')}
              onRemove={() => onChange({ campaignId: null, campaignName: null })}
            />
          ) : null}
          {params.adId ? (
            <FilterChip
              testId="leads-filter-ad"
              label={t('leadList.adChip', { name: adName ?? t('leadList.selectedAd') })}
              removeLabel={t('leadList.removeFilter')}
              onRemove={() => onChange({ adId: null, adName: null })}
            />
          ) : null}
          {hasAny ? (
            <button
              type="button"
              data-testid="leads-clear-filters"
              className="text-sm font-medium text-indigo-700 hover:underline"
              onClick={() =>
                onChange(
                  Object.fromEntries(
                    [...FILTER_KEYS.filter((key) => key !== 'sort'), ...Object.values(FILTER_NAME_KEYS)].map(
                      (key) => [key, null],
                    ),
                  ),
                )
              }
            >
              {t('leadList.clearFilters')}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function FilterChip({
  label,
  removeLabel,
  onRemove,
  testId,
}: {
  label: string;
  removeLabel: string;
  onRemove: () => void;
  testId: string;
}) {
  return (
    <span
      data-testid={testId}
      className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-1 pr-1 pl-3 text-sm text-indigo-800 ring-1 ring-indigo-200"
    >
      {label}
      <button
        type="button"
        aria-label={`${removeLabel}: ${label}`}
        onClick={onRemove}
        className="rounded-full p-0.5 hover:bg-indigo-100"
      >
        <CloseIcon aria-hidden="true" size={14} />
      </button>
    </span>
  );
}
