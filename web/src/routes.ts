import type { RouteDefinition, RoutePreloadFuncArgs } from "@solidjs/router";
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
import AppLayout from "./pages/AppLayout.tsx";

// pages load lazily (admin pages never reach a member's browser); preloads start their reads on hover/navigation.
// list-params reads shared schemas (zod), so it is loaded with the pages, not in the first bundle.
const listParams = () => import("./lib/list-params.ts");

const preloadRequests = ({ location }: RoutePreloadFuncArgs) => {
  void listParams().then(({ readListParams }) => {
    const params = readListParams(new URLSearchParams(location.search), 10);
    return getMyRequests({
      page: params.page,
      pageSize: params.pageSize,
      status: params.status ?? undefined,
    });
  });
};

const preloadNewRequest = () => {
  void getSizes();
  void getProjects();
};

const preloadRequest = ({ params }: RoutePreloadFuncArgs) => {
  if (params.id) void getRequest(params.id);
};

const preloadApprovals = ({ location }: RoutePreloadFuncArgs) => {
  void listParams().then(({ readListParams }) => {
    const params = readListParams(new URLSearchParams(location.search), 25);
    return getPendingApprovals({ page: params.page, pageSize: params.pageSize });
  });
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
        component: lazy(() => import("./pages/ApprovalsPage.tsx")),
        preload: preloadApprovals,
      },
      { path: "/admin/agents", component: lazy(() => import("./pages/AgentsPage.tsx")) },
      { path: "/admin/site", component: lazy(() => import("./pages/SiteSettingsPage.tsx")) },
      { path: "*", component: lazy(() => import("./pages/NotFoundPage.tsx")) },
    ],
  },
];
