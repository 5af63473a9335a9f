import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { isApiError, retryAfterSeconds } from '../../api/http';
import { LanguageSwitcher } from '../../components/language-switcher';
import { useLogin, useSession } from './session';

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = (state as { from: unknown }).from;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/login') {
      return from;
    }
  }
  return '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const emailId = useId();
  const passwordId = useId();
  const errorId = useId();

  if (session.data && !login.isPending && !login.isSuccess) {
    return <Navigate to={redirectTarget(location.state)} replace />;
  }

  const errorMessage = (() => {
    if (!login.error) return null;
    if (isApiError(login.error)) {
      if (login.error.code === 'ACCOUNT_DISABLED') return t('login.errors.disabled');
      if (login.error.status === 401 || login.error.status === 400) return t('login.errors.invalid');
      if (login.error.status === 429) {
        const seconds = retryAfterSeconds(login.error);
        if (seconds === null) return t('login.errors.tooMany');
        return seconds >= 90
          ? t('login.errors.tooManyRetryMinutes', { minutes: Math.ceil(seconds / 60) })
          : t('login.errors.tooManyRetry', { seconds });
      }
      if (login.error.code === 'NETWORK') return t('errors.network');
    }
    return t('login.errors.generic');
  })();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate(
      { email: email.trim(), password },
      { onSuccess: () => void navigate(redirectTarget(location.state), { replace: true }) },
    );
  };

  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      <div className="flex justify-end p-4">
        <LanguageSwitcher />
      </div>
      <main className="flex flex-1 items-center justify-center px-4 pb-16">
        <div className="w-full max-w-sm">
          <div className="mb-8 text-center">
            <div className="mx-auto mb-3 flex h-12 w-12 items-center justify-center rounded-xl bg-indigo-600 text-lg font-bold text-white">
              CV
            </div>
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t('app.name')}</h1>
            <p className="mt-1 text-sm text-slate-500">{t('login.subtitle')}</p>
          </div>
          <form
            onSubmit={onSubmit}
            noValidate
            className="card space-y-4 p-6"
            aria-describedby={errorMessage ? errorId : undefined}
          >
            <div className="space-y-1">
              <label htmlFor={emailId} className="label">
                {t('login.email')}
              </label>
              <input
                id={emailId}
                data-testid="login-email"
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                className="input"
              />
            </div>
            <div className="space-y-1">
              <label htmlFor={passwordId} className="label">
                {t('login.password')}
              </label>
              <input
                id={passwordId}
                data-testid="login-password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                className="input"
              />
            </div>
            {errorMessage ? (
              <p
                id={errorId}
                role="alert"
                data-testid="login-error"
                className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
              >
                {errorMessage}
              </p>
            ) : null}
            <button
              type="submit"
              data-testid="login-submit"
              disabled={login.isPending}
              className="btn-primary w-full"
            >
              {login.isPending ? t('login.submitting') : t('login.submit')}
            </button>
          </form>
          <p className="mt-4 text-center text-sm text-slate-600">
            {t('login.noAccount')}{' '}
            <Link
              to="/signup"
              data-testid="login-signup-link"
              className="font-medium text-indigo-600 hover:underline"
            >
              {t('login.createAccount')}
            </Link>
          </p>
        </div>
      </main>
    </div>
  );
}
