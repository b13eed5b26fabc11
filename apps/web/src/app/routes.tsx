import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Outlet } from '@tanstack/react-router';
import { parseAuditFilter } from '../admin/audit-events';
import { SignInPage } from '../auth/SignInPage';
import { NotFoundPage } from '../shared/NotFoundPage';
import { validateVaultSearch } from '../vault/vault-location';
import { AppFrame } from './AppFrame';
import { HomePage } from './HomePage';

export const CHART_TABS = [
  'conditions',
  'problems',
  'allergies',
  'orders',
  'vitals',
  'notes',
  'assessments',
  'encounters',
  'medications',
  'immunizations',
  'procedures',
  'observations',
] as const;
export type ChartTab = (typeof CHART_TABS)[number];

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFoundPage });

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  component: SignInPage,
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === 'string' && search.redirect.startsWith('/') ? { redirect: search.redirect } : {},
});

/** Every staff screen sits in the frame: header with patient search, navigation, the signed-in user. */
const frameRoute = createRoute({ getParentRoute: () => rootRoute, id: 'frame', component: AppFrame });

const homeRoute = createRoute({ getParentRoute: () => frameRoute, path: '/', component: HomePage });

// Screens past the workspace home are split into their own chunks and load on first visit.
export const patientSearchRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/patients',
  component: lazyRouteComponent(() => import('../patients/PatientSearchPage'), 'PatientSearchPage'),
  validateSearch: (search: Record<string, unknown>): { q?: string } =>
    typeof search.q === 'string' && search.q ? { q: search.q } : {},
});

export const registerPatientRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/patients/new',
  component: lazyRouteComponent(() => import('../patients/RegisterPatientPage'), 'RegisterPatientPage'),
});

export const patientChartRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/patients/$patientId',
  component: lazyRouteComponent(() => import('../chart/PatientChartPage'), 'PatientChartPage'),
  validateSearch: (search: Record<string, unknown>): { tab?: ChartTab } =>
    CHART_TABS.includes(search.tab as ChartTab) ? { tab: search.tab as ChartTab } : {},
});

export const inboxRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/inbox',
  component: lazyRouteComponent(() => import('../inbox/InboxPage'), 'InboxPage'),
});

export const scheduleRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/schedule',
  component: lazyRouteComponent(() => import('../schedule/SchedulePage'), 'SchedulePage'),
});

export const bedBoardRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/beds',
  component: lazyRouteComponent(() => import('../beds/BedBoardPage'), 'BedBoardPage'),
});

export const billingRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/billing',
  component: lazyRouteComponent(() => import('../billing/BillingPage'), 'BillingPage'),
});

// Not /admin: the server keeps that path for its own administration API.
export const systemHealthRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/console/system-health',
  component: lazyRouteComponent(() => import('../admin/SystemHealthPage'), 'SystemHealthPage'),
});

export const usersRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/console/users',
  component: lazyRouteComponent(() => import('../admin/UsersPage'), 'UsersPage'),
});

export const auditTrailRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/console/audit',
  component: lazyRouteComponent(() => import('../admin/AuditTrailPage'), 'AuditTrailPage'),
  validateSearch: parseAuditFilter,
});

export const policiesRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/console/policies',
  component: lazyRouteComponent(() => import('../admin/PoliciesPage'), 'PoliciesPage'),
});

export const smartAppsRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/console/smart-apps',
  component: lazyRouteComponent(() => import('../admin/SmartAppsPage'), 'SmartAppsPage'),
});

// The vault section is one lazily loaded screen; the rest of the address (secrets, policies/<name>, ...)
// picks its view inside it. /vault/v1/* itself is the server's proxy to Meridian Vault, hence /console/vault.
export const vaultRoute = createRoute({
  getParentRoute: () => frameRoute,
  path: '/console/vault/$',
  component: lazyRouteComponent(() => import('../vault/VaultPage'), 'VaultPage'),
  validateSearch: validateVaultSearch,
});

// The patient portal: its own simpler frame and lazily loaded screens, for people whose only role is patient.
const portalRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/portal',
  component: lazyRouteComponent(() => import('../portal/PortalFrame'), 'PortalFrame'),
});
const portalHomeRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../portal/PortalHomePage'), 'PortalHomePage'),
});
export const portalBookRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/book',
  component: lazyRouteComponent(() => import('../portal/BookAppointmentPage'), 'BookAppointmentPage'),
  validateSearch: (search: Record<string, unknown>): { reschedule?: string } =>
    typeof search.reschedule === 'string' && search.reschedule ? { reschedule: search.reschedule } : {},
});
const portalResultsRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/results',
  component: lazyRouteComponent(() => import('../portal/ResultsPage'), 'ResultsPage'),
});
const portalMedicationsRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/medications',
  component: lazyRouteComponent(() => import('../portal/MedicationsPage'), 'MedicationsPage'),
});
const portalInvoicesRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/invoices',
  component: lazyRouteComponent(() => import('../portal/InvoicesPage'), 'InvoicesPage'),
});
const portalMessagesRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: '/messages',
  component: lazyRouteComponent(() => import('../portal/MessagesPage'), 'MessagesPage'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  portalRoute.addChildren([
    portalHomeRoute,
    portalBookRoute,
    portalResultsRoute,
    portalMedicationsRoute,
    portalInvoicesRoute,
    portalMessagesRoute,
  ]),
  frameRoute.addChildren([
    homeRoute,
    patientSearchRoute,
    registerPatientRoute,
    patientChartRoute,
    scheduleRoute,
    bedBoardRoute,
    inboxRoute,
    billingRoute,
    systemHealthRoute,
    usersRoute,
    auditTrailRoute,
    policiesRoute,
    smartAppsRoute,
    vaultRoute,
  ]),
]);

export function createAppRouter() {
  return createRouter({
    routeTree,
    defaultPreload: 'intent',
    defaultNotFoundComponent: NotFoundPage,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
