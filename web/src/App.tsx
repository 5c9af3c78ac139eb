import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { lazy } from 'react';
import type { ComponentType, ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Loading } from './components';
import { Shell } from './layout/Shell';
import { homePathOf } from './layout/navigation';
import { ChangePasswordPage } from './pages/auth/ChangePasswordPage';
import { SetupPage } from './pages/auth/SetupPage';
import { SignInPage } from './pages/auth/SignInPage';
import { BatchPage } from './pages/batches/BatchPage';
import { BatchesPage } from './pages/batches/BatchesPage';
import { NoOrganisation, NotFoundPage } from './pages/NotFoundPage';
import { AddDevicesPage } from './pages/registrar/AddDevicesPage';
import { CustomerPage } from './pages/registrar/CustomerPage';
import { CustomersPage } from './pages/registrar/CustomersPage';
import { SessionProvider, signInPath, useSession } from './session';

// The customer pages (charts) and the operator's load on first use, so a partner's first
// page does not wait for code it never runs.
const customerPages = () => import('./pages/customer');
const operatorPages = () => import('./pages/operator');

function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(async () => ({ default: pick(await load()) }));
}

const AuditPage = lazyPage(customerPages, (pages) => pages.AuditPage);
const DashboardPage = lazyPage(customerPages, (pages) => pages.DashboardPage);
const DevicesPage = lazyPage(customerPages, (pages) => pages.DevicesPage);
const InvitationPage = lazyPage(customerPages, (pages) => pages.InvitationPage);
const ProfilesPage = lazyPage(customerPages, (pages) => pages.ProfilesPage);
const RelationshipsPage = lazyPage(customerPages, (pages) => pages.RelationshipsPage);
const OrganisationsPage = lazyPage(operatorPages, (pages) => pages.OrganisationsPage);

/** The portal: public pages (sign-in, first-run setup) and the signed-in shell. */
export function App() {
  return (
    <FluentProvider theme={webLightTheme} style={{ minHeight: '100vh' }}>
      <BrowserRouter basename="/portal">
        <SessionProvider>
          <Routes>
            <Route path="sign-in" element={<SignInPage />} />
            <Route path="setup" element={<SetupPage />} />
            <Route
              element={
                <SignedIn>
                  <Shell />
                </SignedIn>
              }
            >
              <Route index element={<Home />} />
              <Route path="password" element={<ChangePasswordPage />} />
              <Route path="customers" element={<CustomersPage />} />
              <Route path="customers/:customerId" element={<CustomerPage />} />
              <Route path="customers/:customerId/add-devices" element={<AddDevicesPage />} />
              <Route path="batches" element={<BatchesPage />} />
              <Route path="batches/:batchId" element={<BatchPage />} />
              <Route path="relationships" element={<RelationshipsPage />} />
              <Route path="invitations/:token" element={<InvitationPage />} />
              <Route path="oem-authorizations/:token" element={<InvitationPage />} />
              <Route path="dashboard" element={<DashboardPage />} />
              <Route path="devices" element={<DevicesPage />} />
              <Route path="profiles" element={<ProfilesPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="organisations" element={<OrganisationsPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </SessionProvider>
      </BrowserRouter>
    </FluentProvider>
  );
}

/**
 * Only a signed-in user gets past this; others go to sign-in and come back here after.
 * A user with a one-time password must choose their own before anything else.
 */
function SignedIn({ children }: { readonly children: ReactNode }) {
  const { session, loading } = useSession();
  const location = useLocation();
  if (loading) {
    return <Loading label="Loading your session…" />;
  }
  if (!session) {
    return <Navigate to={signInPath()} replace />;
  }
  if (session.user.mustChangePassword && location.pathname !== '/password') {
    return <Navigate to="/password" replace />;
  }
  return children;
}

function Home() {
  const { session } = useSession();
  if (!session) {
    return null;
  }
  const home = homePathOf(session);
  return home ? <Navigate to={home} replace /> : <NoOrganisation />;
}
