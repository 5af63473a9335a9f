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
import { SelectField, TextField } from '../../components/form-field';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { SkeletonSection } from '../../components/skeleton';
import { formatLocale, formatMoney } from '../../lib/format';
import { useCurrentUser } from '../auth/guards';
import { ConfirmDialog } from './confirm-dialog';
import { OptOutSection } from './opt-out-section';
import { ProtectionSection } from './protection-section';
import {
  useCreateUser,
  useTenant,
  useUpdateTenant,
  useUpdateUser,
  useUsers,
  type NewUser,
} from './settings-api';
import { SaveRow, SettingsCard, useApiProblem } from './settings-form';
import { timeZoneOptions } from './time-zones';
import { UserPhone } from './user-phone';

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
  const [name, setName] = useState(tenant.name);
  const [timezone, setTimezone] = useState(tenant.timezone);
  const [currency, setCurrency] = useState(tenant.currency);
  const [locale, setLocale] = useState(tenant.locale);
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
    <SettingsCard title={t('settings.company.title')} description={t('settings.company.description')}>
      <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" data-testid="company-form">
        <TextField
          label={t('settings.company.name')}
          className="sm:col-span-2"
          testId="company-name"
          required
          maxLength={200}
          value={name}
          onChange={setName}
        />
        <SelectField
          label={t('settings.company.timezone')}
          testId="company-timezone"
          value={timezone}
          options={zones.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }))}
          onChange={setTimezone}
        />
        <SelectField
          label={t('settings.company.currency')}
          testId="company-currency"
          value={currency}
          options={currencies.map((code) => ({
            value: code,
            label: `${code} · ${currencyName(code, uiLocale)}`,
          }))}
          onChange={setCurrency}
        />
        <SelectField
          label={t('settings.company.locale')}
          hint={t('settings.company.localeHint')}
          testId="company-locale"
          value={locale}
          options={LOCALES.map((code) => ({
            value: code,
            label: `${t(`settings.company.locales.${code}`)} · ${formatMoney(1234.56, currency, code)}`,
          }))}
          onChange={setLocale}
        />
        <SaveRow
          save={update}
          testId="company"
          savedText={t('settings.company.saved')}
          disabled={!name.trim()}
        />
      </form>
    </SettingsCard>
  );
}

function AddUserForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const problem = useApiProblem();
  const [form, setForm] = useState<NewUser>({ name: '', email: '', role: 'setter', password: '', phone: '' });
  const [weak, setWeak] = useState(false);
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
      <TextField
        label={t('settings.users.name')}
        testId="new-user-name"
        required
        value={form.name}
        onChange={(name) => set({ name })}
      />
      <TextField
        label={t('settings.users.email')}
        testId="new-user-email"
        type="email"
        required
        autoComplete="off"
        value={form.email}
        onChange={(email) => set({ email })}
      />
      <SelectField
        label={t('settings.users.role')}
        testId="new-user-role"
        value={form.role}
        options={Roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
        onChange={(role) => set({ role: role as Role })}
      />
      <TextField
        label={t('settings.users.password')}
        hint={t('settings.users.passwordRule', { min: PASSWORD_MIN_LENGTH })}
        testId="new-user-password"
        type="password"
        required
        autoComplete="new-password"
        invalid={weak}
        value={form.password}
        onChange={(password) => set({ password })}
      />
      <TextField
        label={t('settings.users.phone')}
        hint={t('settings.users.phoneHint')}
        testId="new-user-phone"
        type="tel"
        autoComplete="off"
        maxLength={40}
        value={form.phone ?? ''}
        onChange={(phone) => set({ phone })}
      />
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
        <SkeletonSection className="p-5" />
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

/**
 * The ceo's settings: the company's name and regional formats, message opt-outs, the protection of contacts from
 * automatic messages (frequency cap, send hours), and who may sign in.
 */
export function SettingsPage() {
  const { t } = useTranslation();
  const tenant = useTenant();
  return (
    <div className="space-y-6">
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {tenant.isPending ? (
        <SkeletonSection className="card p-5" />
      ) : tenant.isError ? (
        <div className="card">
          <ErrorState error={tenant.error} onRetry={() => void tenant.refetch()} />
        </div>
      ) : (
        <>
          <CompanySection key={`${tenant.data.id}`} tenant={tenant.data} />
          <OptOutSection tenant={tenant.data} />
          <ProtectionSection timeZone={tenant.data.timezone} />
        </>
      )}
      <UsersSection />
    </div>
  );
}
