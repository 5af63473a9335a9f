import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useCurrentUser } from '../features/auth/guards';
import { LogoutEverywhereButton } from '../features/auth/logout-everywhere';
import { canUse, useLogout, type AppModule } from '../features/auth/session';
import {
  AgendaIcon,
  AutomationIcon,
  ChatsIcon,
  ClientsIcon,
  DashboardIcon,
  LeadsIcon,
  LogoutIcon,
  MarketingIcon,
  OpportunitiesIcon,
  SellersIcon,
  SettingsIcon,
  type Icon,
} from './icons';
import { LanguageSwitcher } from './language-switcher';

type NavItem = {
  to: string;
  testId: string;
  labelKey:
    | 'nav.dashboard'
    | 'nav.leads'
    | 'nav.opportunities'
    | 'nav.clients'
    | 'nav.agenda'
    | 'nav.chats'
    | 'nav.marketing'
    | 'nav.automation'
    | 'nav.sellers'
    | 'settings.nav';
  module: AppModule | null;
  icon: Icon;
};

const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', testId: 'nav-dashboard', labelKey: 'nav.dashboard', module: null, icon: DashboardIcon },
  { to: '/leads', testId: 'nav-leads', labelKey: 'nav.leads', module: 'leads', icon: LeadsIcon },
  {
    to: '/opportunities',
    testId: 'nav-opportunities',
    labelKey: 'nav.opportunities',
    module: 'leads',
    icon: OpportunitiesIcon,
  },
  { to: '/chats', testId: 'nav-chats', labelKey: 'nav.chats', module: 'leads', icon: ChatsIcon },
  { to: '/clients', testId: 'nav-clients', labelKey: 'nav.clients', module: 'leads', icon: ClientsIcon },
  { to: '/agenda', testId: 'nav-agenda', labelKey: 'nav.agenda', module: 'leads', icon: AgendaIcon },
  {
    to: '/marketing',
    testId: 'nav-marketing',
    labelKey: 'nav.marketing',
    module: 'marketing',
    icon: MarketingIcon,
  },
  {
    to: '/automation',
    testId: 'nav-automation',
    labelKey: 'nav.automation',
    module: 'automation',
    icon: AutomationIcon,
  },
  { to: '/sellers', testId: 'nav-sellers', labelKey: 'nav.sellers', module: 'sellers', icon: SellersIcon },
  { to: '/settings', testId: 'nav-settings', labelKey: 'settings.nav', module: 'admin', icon: SettingsIcon },
];

export function AppLayout() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const items = NAV_ITEMS.filter((item) => item.module === null || canUse(item.module, user.role));

  const onLogout = () => {
    logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) });
  };

  return (
    <div className="flex min-h-dvh flex-col bg-slate-50 md:flex-row">
      {/* Full height on desktop: the dark column spans the whole page, its content stays put while the page scrolls. */}
      <aside className="border-b border-slate-200 bg-slate-900 text-slate-100 md:w-60 md:shrink-0 md:border-r md:border-b-0">
        <div className="md:sticky md:top-0 md:flex md:h-dvh md:flex-col md:overflow-y-auto">
          <div className="flex items-center gap-2 px-5 py-4">
            <span
              aria-hidden="true"
              className="flex h-8 w-8 items-center justify-center rounded-lg bg-indigo-500 text-sm font-bold"
            >
              CV
            </span>
            <span className="font-semibold">{t('app.name')}</span>
          </div>
          <nav aria-label={t('nav.label')} className="overflow-x-auto px-3 pb-3 md:flex-1 md:pb-4">
            <ul className="flex gap-1 md:flex-col">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.to === '/'}
                    data-testid={item.testId}
                    className={({ isActive }) =>
                      `flex items-center gap-3 whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium transition-colors ${
                        isActive
                          ? 'bg-slate-800 text-white'
                          : 'text-slate-300 hover:bg-slate-800/60 hover:text-white'
                      }`
                    }
                  >
                    <item.icon aria-hidden="true" size={18} className="shrink-0" />
                    {t(item.labelKey)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 sm:px-6">
          <div className="min-w-0">
            <p className="text-xs uppercase tracking-wide text-slate-400">{t('header.tenant')}</p>
            <p data-testid="tenant-name" className="truncate text-sm font-semibold text-slate-900">
              {user.tenantName}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-3 sm:gap-4">
            <LanguageSwitcher />
            {/* Who is signed in; it opens their active sessions. */}
            <Link
              to="/sessions"
              data-testid="my-sessions"
              title={t('sessions.open')}
              className="rounded-md text-right hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              <span data-testid="user-name" className="block text-sm font-medium text-slate-900">
                {user.name}
              </span>
              <span data-testid="user-role" data-role={user.role} className="block text-xs text-slate-500">
                {t(`roles.${user.role}`)}
              </span>
            </Link>
            <button
              type="button"
              data-testid="logout"
              onClick={onLogout}
              disabled={logout.isPending}
              className="btn-secondary"
            >
              <LogoutIcon aria-hidden="true" size={16} />
              {t('header.logout')}
            </button>
            <LogoutEverywhereButton />
          </div>
        </header>
        <main className="flex-1 px-4 py-6 sm:px-6 lg:px-8">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
