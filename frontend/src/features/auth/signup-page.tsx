import { CURRENCIES, passwordProblem, type Currency, type Locale } from '@crm/contracts/browser';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { isApiError, retryAfterSeconds } from '../../api/http';
import { LanguageSwitcher } from '../../components/language-switcher';
import { useSession } from './session';
import { useSignup } from './signup-api';

/** The browser's IANA timezone, when it has one (the server validates it and defaults otherwise). */
function browserTimezone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export function SignupPage() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const signup = useSignup();
  const navigate = useNavigate();
  const [companyName, setCompanyName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [currency, setCurrency] = useState<Currency>('MXN');
  const [weakPassword, setWeakPassword] = useState(false);
  const ids = { company: useId(), name: useId(), email: useId(), password: useId(), currency: useId() };
  const errorId = useId();
  const hintId = useId();

  if (session.data && !signup.isPending && !signup.isSuccess) return <Navigate to="/" replace />;

  const errorMessage = (() => {
    if (weakPassword) return t('signup.errors.weakPassword');
    if (!signup.error) return null;
    if (isApiError(signup.error)) {
      if (signup.error.status === 409) return t('signup.errors.emailTaken');
      if (signup.error.status === 400) {
        const fields = signup.error.details?.['fields'];
        if (Array.isArray(fields) && fields.includes('password')) return t('signup.errors.weakPassword');
        return t('signup.errors.invalid');
      }
      if (signup.error.status === 429) {
        const seconds = retryAfterSeconds(signup.error);
        if (seconds === null) return t('login.errors.tooMany');
        return seconds >= 90
          ? t('login.errors.tooManyRetryMinutes', { minutes: Math.ceil(seconds / 60) })
          : t('login.errors.tooManyRetry', { seconds });
      }
      if (signup.error.code === 'NETWORK') return t('errors.network');
    }
    return t('signup.errors.generic');
  })();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmedEmail = email.trim();
    if (passwordProblem(password, trimmedEmail) !== null) {
      setWeakPassword(true);
      return;
    }
    setWeakPassword(false);
    const locale: Locale = (i18n.resolvedLanguage ?? i18n.language) === 'en' ? 'en-US' : 'es-MX';
    signup.mutate(
      {
        companyName: companyName.trim(),
        name: name.trim(),
        email: trimmedEmail,
        password,
        currency,
        locale,
        timezone: browserTimezone(),
      },
      { onSuccess: () => void navigate('/', { replace: true }) },
    );
  };

  const field = (id: string, label: string, input: ReactNode, hint?: string) => (
    <div className="space-y-1">
      <label htmlFor={id} className="label">
        {label}
      </label>
      {input}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );

  return (
    <div className="flex min-h-screen flex-col bg-slate-50">
      <div className="flex justify-end p-4">
        <LanguageSwitcher />
      </div>
      <main className="flex flex-1 items-center justify-center px-4 pb-16">
        <div className="w-full max-w-sm">
          <div className="mb-8 text-center">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t('signup.title')}</h1>
            <p className="mt-1 text-sm text-slate-500">{t('signup.subtitle')}</p>
          </div>
          <form
            onSubmit={onSubmit}
            noValidate
            className="card space-y-4 p-6"
            aria-describedby={errorMessage ? errorId : undefined}
          >
            {field(
              ids.company,
              t('signup.companyName'),
              <input
                id={ids.company}
                data-testid="signup-company"
                required
                autoComplete="organization"
                value={companyName}
                onChange={(event) => setCompanyName(event.target.value)}
                className="input"
              />,
            )}
            {field(
              ids.name,
              t('signup.name'),
              <input
                id={ids.name}
                data-testid="signup-name"
                required
                autoComplete="name"
                value={name}
                onChange={(event) => setName(event.target.value)}
                className="input"
              />,
            )}
            {field(
              ids.email,
              t('login.email'),
              <input
                id={ids.email}
                data-testid="signup-email"
                type="email"
                required
                autoComplete="username"
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                className="input"
              />,
            )}
            {field(
              ids.password,
              t('login.password'),
              <input
                id={ids.password}
                data-testid="signup-password"
                type="password"
                required
                autoComplete="new-password"
                aria-describedby={hintId}
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                className="input"
              />,
              t('signup.passwordHint'),
            )}
            {field(
              ids.currency,
              t('signup.currency'),
              <select
                id={ids.currency}
                data-testid="signup-currency"
                value={currency}
                onChange={(event) => setCurrency(event.target.value as Currency)}
                className="input"
              >
                {CURRENCIES.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>,
            )}
            {errorMessage ? (
              <p
                id={errorId}
                role="alert"
                data-testid="signup-error"
                className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700"
              >
                {errorMessage}
              </p>
            ) : null}
            <button
              type="submit"
              data-testid="signup-submit"
              disabled={signup.isPending}
              className="btn-primary w-full"
            >
              {signup.isPending ? t('signup.submitting') : t('signup.submit')}
            </button>
          </form>
          <p className="mt-4 text-center text-sm text-slate-600">
            {t('signup.haveAccount')}{' '}
            <Link
              to="/login"
              data-testid="signup-login-link"
              className="font-medium text-indigo-600 hover:underline"
            >
              {t('signup.signIn')}
            </Link>
          </p>
        </div>
      </main>
    </div>
  );
}
