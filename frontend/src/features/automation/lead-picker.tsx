import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLeadSearch } from './hsm-api';

export type PickedLead = { id: string; name: string; phone: string | null };

/** Search a lead by name and pick one: people choose names, never ids. */
export function LeadPicker({
  value,
  onChange,
  testId,
}: {
  value: PickedLead | null;
  onChange: (lead: PickedLead | null) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const inputId = useId();
  const listId = useId();
  const results = useLeadSearch(search);

  if (value) {
    return (
      <div data-testid={`${testId}-picked`} className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium text-slate-900">{value.name}</span>
        {value.phone ? <span className="text-slate-500 tabular-nums">{value.phone}</span> : null}
        <button
          type="button"
          className="text-xs font-medium text-indigo-700 hover:underline"
          onClick={() => {
            onChange(null);
            setSearch('');
          }}
        >
          {t('automation.leadPicker.change')}
        </button>
      </div>
    );
  }

  const items = search.trim().length >= 2 ? (results.data?.items ?? []) : [];
  return (
    <div className="space-y-1">
      <label htmlFor={inputId} className="label">
        {t('automation.leadPicker.label')}
      </label>
      <input
        id={inputId}
        type="search"
        data-testid={`${testId}-search`}
        value={search}
        placeholder={t('automation.leadPicker.placeholder')}
        aria-controls={listId}
        onChange={(event) => setSearch(event.target.value)}
        className="input w-full"
      />
      {search.trim().length >= 2 ? (
        <ul
          id={listId}
          className="max-h-48 divide-y divide-slate-100 overflow-auto rounded-md border border-slate-200"
        >
          {results.isPending ? (
            <li className="px-3 py-2 text-sm text-slate-500">{t('common.loading')}</li>
          ) : items.length === 0 ? (
            <li className="px-3 py-2 text-sm text-slate-500">{t('automation.leadPicker.none')}</li>
          ) : (
            items.map((lead) => (
              <li key={lead.id}>
                <button
                  type="button"
                  data-testid={`${testId}-option`}
                  onClick={() => onChange({ id: lead.id, name: lead.name, phone: lead.phone ?? null })}
                  className="flex w-full flex-wrap items-baseline justify-between gap-2 px-3 py-2 text-left text-sm hover:bg-slate-50"
                >
                  <span className="font-medium text-slate-900">{lead.name}</span>
                  {lead.phone ? (
                    <span className="text-xs text-slate-500 tabular-nums">{lead.phone}</span>
                  ) : null}
                </button>
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
