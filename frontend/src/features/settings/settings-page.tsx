import {
  CURRENCIES,
  LOCALES,
  PASSWORD_MIN_LENGTH,
  Roles,
  passwordProblem,
  type Currency,
  type Locale,
  type Role,
  type TenantView,
  type UserView,
} from '@crm/contracts/browser';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/http';
import { Badge } from '../../components/badge';
import { HIDDEN_BELOW, ONLY_BELOW, TableContainer } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorState } from '../../components/error-state';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { SkeletonBlock } from '../../components/skeleton';
import { formatLocale, formatMoney } from '../../lib/format';
import { useCurrentUser } from '../auth/guards';
import { ConfirmDialog } from './confirm-dialog';
import { OptOutSection } from './opt-out-section';
import {
  useCreateUser,
  useTenant,
  useUpdateTenant,
  useUpdateUser,
  useUsers,
  type NewUser,
} from './settings-api';
import { timeZoneOptions } from './time-zones';
import { UserPhone } from './user-phone';

/** A 4xx names what was wrong (the API's own message); anything else gets the generic text of the UI language. */
export function useApiProblem() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (isApiError(error)) {
      if (error.code === 'NETWORK') return t('errors.network');
      if (error.status >= 400 && error.status < 500)
        return t('settings.apiProblem', { message: error.message });
    }
    return t('errors.generic');
  };
}

function currencyName(code: string, uiLocale: string): string {
  try {
    return new Intl.DisplayNames([uiLocale], { type: 'currency' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function CompanySection({ tenant }: { tenant: TenantView }) {
  const { t, i18n } = useTranslation();
  const uiLocale = formatLocale(i18n.resolvedLanguage ?? i18n.language);
  const update = useUpdateTenant();
  const problem = useApiProblem();
  const [name, setName] = useState(tenant.name);
  const [timezone, setTimezone] = useState(tenant.timezone);
  const [currency, setCurrency] = useState(tenant.currency);
  const [locale, setLocale] = useState(tenant.locale);
  const ids = { name: useId(), timezone: useId(), currency: useId(), locale: useId() };
  const zones = timeZoneOptions(tenant.timezone);
  const currencies: string[] = (CURRENCIES as readonly string[]).includes(tenant.currency)
    ? [...CURRENCIES]
    : [tenant.currency, ...CURRENCIES];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      name: name.trim(),
      timezone,
      currency: currency as Currency,
      locale: locale as Locale,
    });
  };

  return (
    <section aria-labelledby={`${ids.name}-title`} className="card p-5">
      <h2 id={`${ids.name}-title`} className="text-lg font-semibold text-slate-900">
        {t('settings.company.title')}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t('settings.company.description')}</p>
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" data-testid="company-form">
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={ids.name} className="label">
            {t('settings.company.name')}
          </label>
          <input
            id={ids.name}
            data-testid="company-name"
            required
            maxLength={200}
            value={name}
            onChange={(event) => setName(event.target.value)}
            className="input"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.timezone} className="label">
            {t('settings.company.timezone')}
          </label>
          <select
            id={ids.timezone}
            data-testid="company-timezone"
            value={timezone}
            onChange={(event) => setTimezone(event.target.value)}
            className="input"
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.currency} className="label">
            {t('settings.company.currency')}
          </label>
          <select
            id={ids.currency}
            data-testid="company-currency"
            value={currency}
            onChange={(event) => setCurrency(event.target.value)}
            className="input"
          >
            {currencies.map((code) => (
              <option key={code} value={code}>
                {`${code} · ${currencyName(code, uiLocale)}`}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.locale} className="label">
            {t('settings.company.locale')}
          </label>
          <select
            id={ids.locale}
            data-testid="company-locale"
            value={locale}
            onChange={(event) => setLocale(event.target.value)}
            className="input"
          >
            {LOCALES.map((code) => (
              <option key={code} value={code}>
                {`${t(`settings.company.locales.${code}`)} · ${formatMoney(1234.56, currency, code)}`}
              </option>
            ))}
          </select>
          <p className="text-xs text-slate-500">{t('settings.company.localeHint')}</p>
        </div>
        <div className="flex flex-col gap-3 sm:col-span-2 sm:flex-row sm:items-center">
          <button
            type="submit"
            data-testid="company-save"
            className="btn-primary"
            disabled={update.isPending || !name.trim()}
          >
            {update.isPending ? t('settings.saving') : t('settings.save')}
          </button>
          {update.isSuccess ? (
            <p role="status" className="text-sm text-emerald-700">
              {t('settings.company.saved')}
            </p>
          ) : null}
        </div>
        {update.isError ? (
          <div className="sm:col-span-2">
            <Notice tone="danger" testId="company-error">
              {problem(update.error)}
            </Notice>
          </div>
        ) : null}
      </form>
    </section>
  );
}

function AddUserForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const problem = useApiProblem();
  const [form, setForm] = useState<NewUser>({ name: '', email: '', role: 'setter', password: '', phone: '' });
  const [weak, setWeak] = useState(false);
  const ids = {
    name: useId(),
    email: useId(),
    role: useId(),
    password: useId(),
    hint: useId(),
    phone: useId(),
    phoneHint: useId(),
  };
  const set = (changes: Partial<NewUser>) => setForm((current) => ({ ...current, ...changes }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const user = {
      ...form,
      name: form.name.trim(),
      email: form.email.trim(),
      phone: form.phone?.trim() || undefined,
    };
    if (passwordProblem(user.password, user.email) !== null) {
      setWeak(true);
      return;
    }
    setWeak(false);
    create.mutate(user, { onSuccess: onDone });
  };

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-testid="add-user-form"
      className="grid gap-4 border-b border-slate-200 bg-slate-50 p-5 sm:grid-cols-2"
    >
      <div className="space-y-1">
        <label htmlFor={ids.name} className="label">
          {t('settings.users.name')}
        </label>
        <input
          id={ids.name}
          data-testid="new-user-name"
          required
          value={form.name}
          onChange={(event) => set({ name: event.target.value })}
          className="input"
        />
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.email} className="label">
          {t('settings.users.email')}
        </label>
        <input
          id={ids.email}
          data-testid="new-user-email"
          type="email"
          required
          autoComplete="off"
          value={form.email}
          onChange={(event) => set({ email: event.target.value })}
          className="input"
        />
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.role} className="label">
          {t('settings.users.role')}
        </label>
        <select
          id={ids.role}
          data-testid="new-user-role"
          value={form.role}
          onChange={(event) => set({ role: event.target.value as Role })}
          className="input"
        >
          {Roles.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.password} className="label">
          {t('settings.users.password')}
        </label>
        <input
          id={ids.password}
          data-testid="new-user-password"
          type="password"
          required
          autoComplete="new-password"
          aria-describedby={ids.hint}
          aria-invalid={weak}
          value={form.password}
          onChange={(event) => set({ password: event.target.value })}
          className="input"
        />
        <p id={ids.hint} className="text-xs text-slate-500">
          {t('settings.users.passwordRule', { min: PASSWORD_MIN_LENGTH })}
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={ids.phone} className="label">
          {t('settings.users.phone')}
        </label>
        <input
          id={ids.phone}
          data-testid="new-user-phone"
          type="tel"
          autoComplete="off"
          maxLength={40}
          aria-describedby={ids.phoneHint}
          value={form.phone}
          onChange={(event) => set({ phone: event.target.value })}
          className="input"
        />
        <p id={ids.phoneHint} className="text-xs text-slate-500">
          {t('settings.users.phoneHint')}
        </p>
      </div>
      {weak || create.isError ? (
        <div className="sm:col-span-2">
          <Notice tone="danger" testId="add-user-error">
            {weak
              ? t('settings.users.weakPassword', { min: PASSWORD_MIN_LENGTH })
              : isApiError(create.error) && create.error.status === 409
                ? // The API's text names the other account by id: say it in words instead.
                  t('settings.users.emailTaken', { email: form.email.trim() })
                : problem(create.error)}
          </Notice>
        </div>
      ) : null}
      <div className="flex gap-2 sm:col-span-2">
        <button
          type="submit"
          data-testid="new-user-submit"
          className="btn-primary"
          disabled={create.isPending || !form.name.trim() || !form.email.trim() || !form.password}
        >
          {create.isPending ? t('settings.saving') : t('settings.users.create')}
        </button>
        <button type="button" className="btn-secondary" onClick={onDone} disabled={create.isPending}>
          {t('settings.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * Email and state join as the table gets room (on a phone they show under the name); the (de)activate button sits
 * under the role picker until there is room beside it.
 */
const USER_COLUMNS = { email: 'xl', status: 'lg' } as const;

function UsersSection() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const users = useUsers();
  const update = useUpdateUser();
  const problem = useApiProblem();
  const [adding, setAdding] = useState(false);
  const [toggling, setToggling] = useState<UserView | null>(null);
  const titleId = useId();

  const confirmToggle = () => {
    if (!toggling) return;
    update.mutate(
      { id: toggling.id, changes: { active: !toggling.active } },
      { onSettled: () => setToggling(null) },
    );
  };

  return (
    <section aria-labelledby={titleId} className="card overflow-hidden">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {t('settings.users.title')}
          </h2>
          <p className="text-sm text-slate-500">{t('settings.users.description')}</p>
        </div>
        {!adding ? (
          <button
            type="button"
            data-testid="add-user"
            className="btn-primary shrink-0"
            onClick={() => setAdding(true)}
          >
            {t('settings.users.add')}
          </button>
        ) : null}
      </div>
      {adding ? <AddUserForm onDone={() => setAdding(false)} /> : null}
      {update.isError ? (
        <div className="px-5 pb-4">
          <Notice tone="danger" testId="user-update-error">
            {problem(update.error)}
          </Notice>
        </div>
      ) : null}
      {users.isPending ? (
        <div role="status" className="space-y-3 p-5">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-5 w-48" />
          <SkeletonBlock className="h-24 w-full" />
        </div>
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState title={t('settings.users.empty')} />
      ) : (
        <TableContainer label={t('settings.users.caption')}>
          <table data-testid="users-table" className="table-base">
            <caption className="sr-only">{t('settings.users.caption')}</caption>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="th">
                  {t('settings.users.name')}
                </th>
                <th scope="col" className={`th ${HIDDEN_BELOW[USER_COLUMNS.email]}`}>
                  {t('settings.users.email')}
                </th>
                <th scope="col" className="th">
                  {t('settings.users.role')}
                </th>
                <th scope="col" className={`th ${HIDDEN_BELOW[USER_COLUMNS.status]}`}>
                  {t('settings.users.status')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {users.data.map((user) => {
                const self = user.id === me.userId;
                const statusBadge = (
                  <Badge tone={user.active ? 'success' : 'neutral'}>
                    {user.active ? t('settings.users.active') : t('settings.users.inactive')}
                  </Badge>
                );
                const toggle = (
                  <button
                    type="button"
                    data-testid={`user-toggle-${user.id}`}
                    className={user.active ? 'btn-secondary' : 'btn-primary'}
                    disabled={update.isPending}
                    onClick={() => setToggling(user)}
                  >
                    {user.active ? t('settings.users.deactivate') : t('settings.users.reactivate')}
                  </button>
                );
                return (
                  <tr key={user.id} data-testid={`user-row-${user.id}`} data-active={user.active}>
                    <td className="td whitespace-normal">
                      <div className="font-medium text-slate-900">
                        {user.name}
                        {self ? (
                          <span className="ml-1 text-xs font-normal text-slate-500">
                            {t('settings.users.you')}
                          </span>
                        ) : null}
                      </div>
                      <div
                        className={`whitespace-normal break-all text-xs text-slate-500 ${ONLY_BELOW[USER_COLUMNS.email]}`}
                      >
                        {user.email}
                      </div>
                      <UserPhone user={user} />
                      <div className={`mt-1 ${ONLY_BELOW[USER_COLUMNS.status]}`}>{statusBadge}</div>
                    </td>
                    <td className={`td ${HIDDEN_BELOW[USER_COLUMNS.email]}`}>{user.email}</td>
                    <td className="td">
                      <div className="flex flex-col items-start gap-2 @3xl:flex-row @3xl:items-center">
                        <select
                          aria-label={t('settings.users.roleOf', { name: user.name })}
                          data-testid={`user-role-${user.id}`}
                          value={user.role}
                          disabled={update.isPending}
                          onChange={(event) =>
                            update.mutate({ id: user.id, changes: { role: event.target.value as Role } })
                          }
                          className="input min-w-32 py-1"
                        >
                          {Roles.map((role) => (
                            <option key={role} value={role}>
                              {t(`roles.${role}`)}
                            </option>
                          ))}
                        </select>
                        {toggle}
                      </div>
                    </td>
                    <td className={`td ${HIDDEN_BELOW[USER_COLUMNS.status]}`}>{statusBadge}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableContainer>
      )}
      {toggling ? (
        <ConfirmDialog
          testId="confirm-toggle-user"
          title={
            toggling.active
              ? t('settings.users.confirmDeactivateTitle', { name: toggling.name })
              : t('settings.users.confirmReactivateTitle', { name: toggling.name })
          }
          body={
            toggling.active ? t('settings.users.confirmDeactivate') : t('settings.users.confirmReactivate')
          }
          confirmLabel={toggling.active ? t('settings.users.deactivate') : t('settings.users.reactivate')}
          danger={toggling.active}
          busy={update.isPending}
          onConfirm={confirmToggle}
          onCancel={() => setToggling(null)}
        />
      ) : null}
    </section>
  );
}

/** The ceo's settings: the company's name and regional formats, and who may sign in. */
export function SettingsPage() {
  const { t } = useTranslation();
  const tenant = useTenant();
  return (
    <div className="space-y-6">
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {tenant.isPending ? (
        <div role="status" className="card space-y-3 p-5">
          <span className="sr-only">{t('common.loading')}</span>
          <SkeletonBlock className="h-5 w-48" />
          <SkeletonBlock className="h-24 w-full" />
        </div>
      ) : tenant.isError ? (
        <div className="card">
          <ErrorState error={tenant.error} onRetry={() => void tenant.refetch()} />
        </div>
      ) : (
        <>
          <CompanySection key={`${tenant.data.id}`} tenant={tenant.data} />
          <OptOutSection tenant={tenant.data} />
        </>
      )}
      <UsersSection />
    </div>
  );
}
