import type { UserView } from '@crm/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useUpdateUser } from './settings-api';
import { useApiProblem } from './settings-form';

/**
 * A user's phone in the users table (the seller's phone of WhatsApp templates): shown, or "No phone", with a button
 * that turns it into a small form. A blank phone removes it; a bad one shows the API's 400 under the field.
 */
export function UserPhone({ user }: { user: UserView }) {
  const { t } = useTranslation();
  const update = useUpdateUser();
  const problem = useApiProblem();
  const [editing, setEditing] = useState(false);
  const [phone, setPhone] = useState(user.phone ?? '');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { id: user.id, changes: { phone: phone.trim() || null } },
      { onSuccess: () => setEditing(false) },
    );
  };

  if (!editing) {
    return (
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span data-testid={`user-phone-${user.id}`}>{user.phone ?? t('settings.users.noPhone')}</span>
        <button
          type="button"
          data-testid={`user-phone-edit-${user.id}`}
          aria-label={t('settings.users.changePhoneOf', { name: user.name })}
          className="font-medium text-indigo-700 hover:underline"
          onClick={() => {
            setPhone(user.phone ?? '');
            update.reset();
            setEditing(true);
          }}
        >
          {t('settings.users.changePhone')}
        </button>
        {update.isSuccess ? (
          <span role="status" className="text-emerald-700">
            {t('settings.users.phoneSaved')}
          </span>
        ) : null}
      </div>
    );
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="mt-1 space-y-1"
      data-testid={`user-phone-form-${user.id}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="tel"
          autoComplete="off"
          aria-label={t('settings.users.phoneOf', { name: user.name })}
          aria-invalid={update.isError}
          data-testid={`user-phone-input-${user.id}`}
          placeholder="+52 55 1234 5678"
          maxLength={40}
          value={phone}
          onChange={(event) => setPhone(event.target.value)}
          className="input w-44 py-1"
        />
        <button type="submit" className="btn-primary py-1" disabled={update.isPending}>
          {update.isPending ? t('settings.saving') : t('settings.save')}
        </button>
        <button
          type="button"
          className="btn-secondary py-1"
          disabled={update.isPending}
          onClick={() => setEditing(false)}
        >
          {t('settings.cancel')}
        </button>
      </div>
      {update.isError ? (
        <p role="alert" className="text-xs text-rose-700" data-testid={`user-phone-error-${user.id}`}>
          {problem(update.error)}
        </p>
      ) : null}
    </form>
  );
}
