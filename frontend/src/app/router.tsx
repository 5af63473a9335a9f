import { createBrowserRouter } from 'react-router';
import { AppLayout } from '../components/app-layout';
import { NotFound } from '../components/no-access';
import { AgendaPage } from '../features/agenda/agenda-page';
import { AutomationPage } from '../features/automation/automation-page';
import { TemplatesPage } from '../features/templates/templates-page';
import { ActiveSessionsPage } from '../features/auth/active-sessions-page';
import { RequireAuth, RequireModule } from '../features/auth/guards';
import { LoginPage } from '../features/auth/login-page';
import { SignupPage } from '../features/auth/signup-page';
import { ChatsPage } from '../features/chats/chats-page';
import { ClientsPage } from '../features/clients/clients-page';
import { DashboardPage } from '../features/dashboard/dashboard-page';
import { Lead360Page } from '../features/lead-360/lead-360-page';
import { LeadImportPage } from '../features/lead-import/lead-import-page';
import { LeadsPage } from '../features/leads/leads-page';
import { MarketingPage } from '../features/marketing/marketing-page';
import { SellersPage } from '../features/sellers/sellers-page';
import { OpportunitiesPage } from '../features/opportunities/opportunities-page';
import { SettingsPage } from '../features/settings/settings-page';

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    { path: '/signup', element: <SignupPage /> },
    {
      element: <RequireAuth />,
      children: [
        {
          element: <AppLayout />,
          children: [
            { index: true, element: <DashboardPage /> },
            {
              path: 'leads',
              element: (
                <RequireModule module="leads">
                  <LeadsPage />
                </RequireModule>
              ),
            },
            {
              path: 'leads/import',
              element: (
                <RequireModule module="leads">
                  <LeadImportPage />
                </RequireModule>
              ),
            },
            {
              path: 'leads/:id',
              element: (
                <RequireModule module="leads">
                  <Lead360Page />
                </RequireModule>
              ),
            },
            {
              path: 'opportunities',
              element: (
                <RequireModule module="leads">
                  <OpportunitiesPage />
                </RequireModule>
              ),
            },
            {
              path: 'chats',
              element: (
                <RequireModule module="leads">
                  <ChatsPage />
                </RequireModule>
              ),
            },
            {
              path: 'clients',
              element: (
                <RequireModule module="leads">
                  <ClientsPage />
                </RequireModule>
              ),
            },
            {
              path: 'agenda',
              element: (
                <RequireModule module="leads">
                  <AgendaPage />
                </RequireModule>
              ),
            },
            {
              path: 'marketing',
              element: (
                <RequireModule module="marketing">
                  <MarketingPage />
                </RequireModule>
              ),
            },
            {
              path: 'automation',
              element: (
                <RequireModule module="automation">
                  <AutomationPage />
                </RequireModule>
              ),
            },
            {
              path: 'automation/templates',
              element: (
                <RequireModule module="automation">
                  <TemplatesPage />
                </RequireModule>
              ),
            },
            {
              path: 'sellers',
              element: (
                <RequireModule module="sellers">
                  <SellersPage />
                </RequireModule>
              ),
            },
            { path: 'sessions', element: <ActiveSessionsPage /> },
            {
              path: 'settings',
              element: (
                <RequireModule module="admin">
                  <SettingsPage />
                </RequireModule>
              ),
            },
            { path: '*', element: <NotFound /> },
          ],
        },
      ],
    },
  ]);
}
