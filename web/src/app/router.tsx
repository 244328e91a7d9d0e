import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import type { MeRead } from '@/client';
import { RouteError, NotFound } from '@/components/layout/RouteStates';
import { meQuery } from '@/features/session/api';
import { isApiError } from '@/lib/problem';
import { validatePlaygroundSearch } from '@/features/engines/search';
import { validateRunsSearch } from '@/features/workflows/search';
import { validateFilesSearch } from '@/features/files/search';
import { validateExportsSearch, validateNewExportSearch } from '@/features/exports/search';
import type { HelpTopic } from './help';

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    help?: HelpTopic;
  }
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

export interface RouterContext {
  queryClient: QueryClient;
}

const tokenSearch = (search: Record<string, unknown>) => ({ token: typeof search.token === 'string' ? search.token : '' });

/** The signed-in user, or a redirect to the login page (keeping where they were going). */
async function requireMe(queryClient: QueryClient, href: string): Promise<MeRead> {
  try {
    return await queryClient.ensureQueryData(meQuery);
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      throw redirect({ to: '/login', search: { redirect: href } });
    }
    throw error;
  }
}

export function createAppRouter(queryClient: QueryClient) {
  const rootRoute = createRootRouteWithContext<RouterContext>()({
    component: Outlet,
    notFoundComponent: NotFound,
    errorComponent: RouteError,
  });

  // Public pages: signing in and the links sent by e-mail.
  const publicRoute = createRoute({ getParentRoute: () => rootRoute, id: 'public', component: lazyRouteComponent(() => import('@/components/layout/AuthLayout'), 'AuthLayout'), staticData: { help: 'auth' } });
  const loginRoute = createRoute({
    getParentRoute: () => publicRoute,
    path: '/login',
    validateSearch: (s: Record<string, unknown>): { redirect?: string } => (typeof s.redirect === 'string' ? { redirect: s.redirect } : {}),
    component: lazyRouteComponent(() => import('@/features/auth/LoginPage'), 'LoginPage'),
  });
  const registerRoute = createRoute({
    getParentRoute: () => publicRoute,
    path: '/register',
    component: lazyRouteComponent(() => import('@/features/auth/RegisterPage'), 'RegisterPage'),
  });
  const verifyRoute = createRoute({
    getParentRoute: () => publicRoute,
    path: '/verify-email',
    validateSearch: tokenSearch,
    component: lazyRouteComponent(() => import('@/features/auth/VerifyEmailPage'), 'VerifyEmailPage'),
  });
  const forgotRoute = createRoute({
    getParentRoute: () => publicRoute,
    path: '/forgot-password',
    component: lazyRouteComponent(() => import('@/features/auth/ForgotPasswordPage'), 'ForgotPasswordPage'),
  });
  const resetRoute = createRoute({
    getParentRoute: () => publicRoute,
    path: '/reset-password',
    validateSearch: tokenSearch,
    component: lazyRouteComponent(() => import('@/features/auth/ResetPasswordPage'), 'ResetPasswordPage'),
  });
  const acceptRoute = createRoute({
    getParentRoute: () => publicRoute,
    path: '/accept-invitation',
    validateSearch: tokenSearch,
    component: lazyRouteComponent(() => import('@/features/auth/AcceptInvitationPage'), 'AcceptInvitationPage'),
  });
  const componentsRoute = createRoute({
    getParentRoute: () => rootRoute,
    path: '/components',
    staticData: { help: 'components' },
    component: lazyRouteComponent(() => import('@/features/gallery/ComponentsPage'), 'ComponentsPage'),
  });

  // Signed in, with or without a tenant.
  const authedRoute = createRoute({
    getParentRoute: () => rootRoute,
    id: 'authed',
    beforeLoad: async ({ context, location }) => ({ me: await requireMe(context.queryClient, location.href) }),
    component: Outlet,
  });
  const onboardingRoute = createRoute({
    getParentRoute: () => authedRoute,
    path: '/onboarding',
    staticData: { help: 'onboarding' },
    component: lazyRouteComponent(() => import('@/features/tenants/OnboardingPage'), 'OnboardingPage'),
  });

  // The dashboard shell needs a current tenant (super admins may use the admin pages without one).
  const appRoute = createRoute({
    getParentRoute: () => authedRoute,
    id: 'app',
    beforeLoad: ({ context, location }) => {
      const admin = location.pathname.startsWith('/admin') && context.me.user.is_superadmin;
      if (!context.me.tenant_id && !admin && location.pathname !== '/profile') throw redirect({ to: '/onboarding' });
    },
    component: lazyRouteComponent(() => import('@/components/layout/AppShell'), 'AppShell'),
  });
  const dashboardRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/',
    staticData: { help: 'dashboard' },
    component: lazyRouteComponent(() => import('@/features/dashboard/DashboardPage'), 'DashboardPage'),
  });
  const membersRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/members',
    staticData: { help: 'members' },
    component: lazyRouteComponent(() => import('@/features/members/MembersPage'), 'MembersPage'),
  });
  const apiKeysRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/api-keys',
    staticData: { help: 'apiKeys' },
    component: lazyRouteComponent(() => import('@/features/api-keys/ApiKeysPage'), 'ApiKeysPage'),
  });
  const auditRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/audit',
    staticData: { help: 'audit' },
    component: lazyRouteComponent(() => import('@/features/audit/AuditPage'), 'AuditPage'),
  });
  const settingsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/settings',
    staticData: { help: 'settings' },
    component: lazyRouteComponent(() => import('@/features/tenants/SettingsPage'), 'SettingsPage'),
  });
  const profileRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/profile',
    staticData: { help: 'profile' },
    component: lazyRouteComponent(() => import('@/features/profile/ProfilePage'), 'ProfilePage'),
  });

  // AI: engines and their runs, the catalog and routing, plans and tokens.
  const enginesRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/engines',
    staticData: { help: 'engines' },
    component: lazyRouteComponent(() => import('@/features/engines/EnginesPage'), 'EnginesPage'),
  });
  const engineRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/engines/$engineId',
    staticData: { help: 'engines' },
    component: lazyRouteComponent(() => import('@/features/engines/EnginePage'), 'EnginePage'),
  });
  const playgroundRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/playground',
    validateSearch: validatePlaygroundSearch,
    staticData: { help: 'playground' },
    component: lazyRouteComponent(() => import('@/features/engines/PlaygroundPage'), 'PlaygroundPage'),
  });
  const executionsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/executions',
    staticData: { help: 'executions' },
    component: lazyRouteComponent(() => import('@/features/executions/ExecutionsPage'), 'ExecutionsPage'),
  });
  const executionRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/executions/$executionId',
    staticData: { help: 'executions' },
    component: lazyRouteComponent(() => import('@/features/executions/ExecutionPage'), 'ExecutionPage'),
  });
  const providersRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/providers',
    staticData: { help: 'providers' },
    component: lazyRouteComponent(() => import('@/features/providers/ProvidersPage'), 'ProvidersPage'),
  });
  const modelsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/models',
    staticData: { help: 'models' },
    component: lazyRouteComponent(() => import('@/features/models/ModelsPage'), 'ModelsPage'),
  });
  const deploymentsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/deployments',
    staticData: { help: 'deployments' },
    component: lazyRouteComponent(() => import('@/features/deployments/DeploymentsPage'), 'DeploymentsPage'),
  });
  const levelsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/levels',
    staticData: { help: 'levels' },
    component: lazyRouteComponent(() => import('@/features/levels/LevelsPage'), 'LevelsPage'),
  });
  const walletRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/wallet',
    staticData: { help: 'wallet' },
    component: lazyRouteComponent(() => import('@/features/wallet/WalletPage'), 'WalletPage'),
  });

  // Workflows: definitions and versions, the template gallery, runs watched live.
  const workflowsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/workflows',
    staticData: { help: 'workflows' },
    component: lazyRouteComponent(() => import('@/features/workflows/WorkflowsPage'), 'WorkflowsPage'),
  });
  const workflowRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/workflows/$workflowId',
    staticData: { help: 'workflows' },
    component: lazyRouteComponent(() => import('@/features/workflows/WorkflowPage'), 'WorkflowPage'),
  });
  const templatesRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/workflow-templates',
    staticData: { help: 'workflowTemplates' },
    component: lazyRouteComponent(() => import('@/features/workflows/TemplatesPage'), 'TemplatesPage'),
  });
  const runsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/workflow-runs',
    validateSearch: validateRunsSearch,
    staticData: { help: 'workflowRuns' },
    component: lazyRouteComponent(() => import('@/features/workflows/RunsPage'), 'RunsPage'),
  });
  const runRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/workflow-runs/$runId',
    staticData: { help: 'workflowRuns' },
    component: lazyRouteComponent(() => import('@/features/workflows/RunPage'), 'RunPage'),
  });

  // Files: buckets, folders, uploads, versions and links.
  const filesRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/files',
    validateSearch: validateFilesSearch,
    staticData: { help: 'files' },
    component: lazyRouteComponent(() => import('@/features/files/FilesPage'), 'FilesPage'),
  });
  const fileRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/files/$fileId',
    staticData: { help: 'files' },
    component: lazyRouteComponent(() => import('@/features/files/FilePage'), 'FilePage'),
  });

  // Exports: documents made from files and runs, followed live.
  const exportsRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/exports',
    validateSearch: validateExportsSearch,
    staticData: { help: 'exports' },
    component: lazyRouteComponent(() => import('@/features/exports/ExportsPage'), 'ExportsPage'),
  });
  const newExportRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/exports/new',
    validateSearch: validateNewExportSearch,
    staticData: { help: 'exports' },
    component: lazyRouteComponent(() => import('@/features/exports/NewExportPage'), 'NewExportPage'),
  });
  const exportTemplatesRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/exports/templates',
    staticData: { help: 'exportTemplates' },
    component: lazyRouteComponent(() => import('@/features/exports/TemplatesPage'), 'ExportTemplatesPage'),
  });
  const exportRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/exports/$exportId',
    staticData: { help: 'exports' },
    component: lazyRouteComponent(() => import('@/features/exports/ExportPage'), 'ExportPage'),
  });

  const adminRoute = createRoute({
    getParentRoute: () => appRoute,
    path: '/admin',
    beforeLoad: ({ context }) => {
      if (!context.me.user.is_superadmin) throw redirect({ to: '/' });
    },
  });
  const adminIndexRoute = createRoute({
    getParentRoute: () => adminRoute,
    path: '/',
    beforeLoad: () => {
      throw redirect({ to: '/admin/tenants' });
    },
  });
  const adminTenantsRoute = createRoute({
    getParentRoute: () => adminRoute,
    path: '/tenants',
    staticData: { help: 'adminTenants' },
    component: lazyRouteComponent(() => import('@/features/admin/AdminTenantsPage'), 'AdminTenantsPage'),
  });
  const adminUsersRoute = createRoute({
    getParentRoute: () => adminRoute,
    path: '/users',
    staticData: { help: 'adminUsers' },
    component: lazyRouteComponent(() => import('@/features/admin/AdminUsersPage'), 'AdminUsersPage'),
  });
  const adminWorkersRoute = createRoute({
    getParentRoute: () => adminRoute,
    path: '/workers',
    staticData: { help: 'workers' },
    component: lazyRouteComponent(() => import('@/features/workers/WorkersPage'), 'WorkersPage'),
  });

  const routeTree = rootRoute.addChildren([
    publicRoute.addChildren([loginRoute, registerRoute, verifyRoute, forgotRoute, resetRoute, acceptRoute]),
    componentsRoute,
    authedRoute.addChildren([
      onboardingRoute,
      appRoute.addChildren([
        dashboardRoute,
        membersRoute,
        apiKeysRoute,
        auditRoute,
        settingsRoute,
        profileRoute,
        enginesRoute,
        engineRoute,
        playgroundRoute,
        executionsRoute,
        executionRoute,
        providersRoute,
        modelsRoute,
        deploymentsRoute,
        levelsRoute,
        walletRoute,
        workflowsRoute,
        workflowRoute,
        templatesRoute,
        runsRoute,
        runRoute,
        filesRoute,
        fileRoute,
        exportsRoute,
        newExportRoute,
        exportTemplatesRoute,
        exportRoute,
        adminRoute.addChildren([adminIndexRoute, adminTenantsRoute, adminUsersRoute, adminWorkersRoute]),
      ]),
    ]),
  ]);

  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    // Route data comes from TanStack Query, which has its own freshness rules.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}
