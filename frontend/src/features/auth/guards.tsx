import type { SessionUser } from '@crm/contracts/browser';
import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState } from '../../components/error-state';
import { NoAccess } from '../../components/no-access';
import { TenantFormatsProvider } from '../../lib/format';
import { canUse, useSession, type AppModule } from './session';

function FullPageLoading() {
  const { t } = useTranslation();
  return (
    <div role="status" className="flex min-h-screen items-center justify-center text-sm text-slate-500">
      {t('common.loading')}
    </div>
  );
}

const CurrentUserContext = createContext<SessionUser | null>(null);

/** Renders the child routes only for a signed-in user; everyone else goes to /login. */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageLoading />;
  if (session.isError) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={{ from }} />;
  }
  return (
    <CurrentUserContext.Provider value={session.data}>
      <TenantFormatsProvider locale={session.data.tenantLocale} timeZone={session.data.tenantTimezone}>
        <Outlet />
      </TenantFormatsProvider>
    </CurrentUserContext.Provider>
  );
}

/** A route a role may not use shows "no access" even when typed in the address bar. */
export function RequireModule({ module, children }: { module: AppModule; children: ReactNode }) {
  const user = useCurrentUser();
  if (!canUse(module, user.role)) return <NoAccess />;
  return <>{children}</>;
}

/** The signed-in user, as `RequireAuth` last rendered it; only valid below that guard. */
export function useCurrentUser(): SessionUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error('useCurrentUser must be used below <RequireAuth>');
  return user;
}

/** The signed-in user, or `null` outside `<RequireAuth>` (for parts that only add things for some roles). */
export function useOptionalCurrentUser(): SessionUser | null {
  return useContext(CurrentUserContext);
}
