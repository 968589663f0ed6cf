import { Navigate, type RouteDefinition, type RoutePreloadFuncArgs } from "@solidjs/router";
import { lazy } from "solid-js";
import {
  getMyRequests,
  getPendingApprovals,
  getProjects,
  getRequest,
  getSession,
  getSizes,
  getVm,
} from "./lib/queries.ts";
import { adminPage, adminPreload, approverPage } from "./pages/AdminRoute.tsx";
import AppLayout from "./pages/AppLayout.tsx";

// pages load lazily (admin pages never reach a member's browser); preloads start their reads on hover/navigation.
// list-params reads shared schemas (zod), so it is loaded with the pages, not in the first bundle.
const listParams = () => import("./lib/list-params.ts");

// A signed-out visitor is sent to sign in: their reads would only be refused (and logged as errors).
// Each preload reads the route's params and search at once, in the router's navigation, and starts its
// reads once the session says someone is signed in.
const signedIn =
  (prepare: (args: RoutePreloadFuncArgs) => () => void) =>
  (args: RoutePreloadFuncArgs): void => {
    const start = prepare(args);
    void getSession().then((user) => {
      if (user) start();
    });
  };

const preloadRequests = signedIn(({ location }) => {
  const search = new URLSearchParams(location.search);
  return () =>
    void listParams().then(({ readListParams }) => {
      const params = readListParams(search);
      return getMyRequests({
        page: params.page,
        pageSize: params.pageSize,
        status: params.status ?? undefined,
      });
    });
});

const preloadNewRequest = signedIn(() => () => {
  void getSizes();
  void getProjects();
});

const preloadRequest = signedIn(({ params }) => {
  const id = params.id;
  return () => {
    if (id) void getRequest(id);
  };
});

const preloadApprovals = ({ location }: RoutePreloadFuncArgs) => {
  const search = new URLSearchParams(location.search);
  adminPreload(() => {
    void listParams().then(({ readListParams }) => {
      const params = readListParams(search);
      return getPendingApprovals({ page: params.page, pageSize: params.pageSize });
    });
  })();
};

export const routes: RouteDefinition[] = [
  { path: "/sign-in", component: lazy(() => import("./pages/SignInPage.tsx")) },
  { path: "/sign-in/callback", component: lazy(() => import("./pages/OidcCallbackPage.tsx")) },
  {
    path: "/",
    component: AppLayout,
    preload: () => void getSession(),
    children: [
      { path: "/", component: lazy(() => import("./pages/HomeRedirect.tsx")) },
      {
        path: "/requests",
        component: lazy(() => import("./pages/RequestsPage.tsx")),
        preload: preloadRequests,
      },
      {
        path: "/requests/new",
        component: lazy(() => import("./pages/NewRequestPage.tsx")),
        preload: preloadNewRequest,
      },
      {
        path: "/requests/:id",
        component: lazy(() => import("./pages/RequestDetailPage.tsx")),
        preload: preloadRequest,
      },
      { path: "/vms", component: lazy(() => import("./pages/VmsPage.tsx")) },
      {
        path: "/vms/:id",
        component: lazy(() => import("./pages/VmDetailPage.tsx")),
        preload: ({ params }) => {
          if (params.id) void getVm(params.id);
        },
      },
      {
        path: "/admin/approvals",
        // tenant admins and project approvers (who see their projects' requests only)
        component: approverPage(() => import("./pages/ApprovalsPage.tsx")),
        preload: preloadApprovals,
      },
      { path: "/admin/agents", component: adminPage(() => import("./pages/AgentsPage.tsx")) },
      { path: "/admin/site", component: adminPage(() => import("./pages/SiteSettingsPage.tsx")) },
      { path: "/admin/sessions", component: adminPage(() => import("./pages/SessionsPage.tsx")) },
      {
        path: "/settings",
        component: adminPage(() => import("./pages/SettingsLayout.tsx")),
        children: [
          // the area opens on its first section
          { path: "/", component: () => Navigate({ href: "/settings/projects" }) },
          { path: "/projects", component: lazy(() => import("./pages/settings/ProjectsSettings.tsx")) },
          { path: "/sites", component: lazy(() => import("./pages/settings/SitesSettings.tsx")) },
          { path: "/people", component: lazy(() => import("./pages/settings/PeopleSettings.tsx")) },
          { path: "/quotas", component: lazy(() => import("./pages/settings/QuotasSettings.tsx")) },
          { path: "/sizes", component: lazy(() => import("./pages/settings/SizesSettings.tsx")) },
          {
            path: "/approval-policies",
            component: lazy(() => import("./pages/settings/ApprovalPoliciesSettings.tsx")),
          },
        ],
      },
      {
        path: "/admin/reconciliation",
        component: adminPage(() => import("./pages/ReconciliationPage.tsx")),
      },
      { path: "/admin/audit", component: adminPage(() => import("./pages/AuditPage.tsx")) },
      { path: "/settings/tokens", component: lazy(() => import("./pages/TokensPage.tsx")) },
      { path: "/admin/leases", component: adminPage(() => import("./pages/LeasesPage.tsx")) },
      { path: "/notifications", component: lazy(() => import("./pages/InboxPage.tsx")) },
      {
        path: "/notifications/preferences",
        component: lazy(() => import("./pages/NotificationPreferencesPage.tsx")),
      },
      {
        path: "/admin/notifications",
        component: adminPage(() => import("./pages/WebhooksPage.tsx")),
      },
      { path: "*", component: lazy(() => import("./pages/NotFoundPage.tsx")) },
    ],
  },
];
