import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function NoAccess() {
  const { t } = useTranslation();
  return (
    <section data-testid="no-access" className="card mx-auto mt-12 max-w-lg p-8 text-center">
      <h1 className="text-xl font-semibold text-slate-900">{t('noAccess.title')}</h1>
      <p className="mt-2 text-sm text-slate-600">{t('noAccess.description')}</p>
      <Link to="/" className="btn-primary mt-6 inline-flex">
        {t('noAccess.back')}
      </Link>
    </section>
  );
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <section data-testid="not-found" className="card mx-auto mt-12 max-w-lg p-8 text-center">
      <h1 className="text-xl font-semibold text-slate-900">{t('notFound.title')}</h1>
      <p className="mt-2 text-sm text-slate-600">{t('notFound.description')}</p>
      <Link to="/" className="btn-primary mt-6 inline-flex">
        {t('noAccess.back')}
      </Link>
    </section>
  );
}
