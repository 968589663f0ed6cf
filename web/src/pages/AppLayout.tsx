import type { SessionUser } from "@gantry/shared/api/session";
import { createAsync, Navigate, type RouteSectionProps, useLocation, useNavigate } from "@solidjs/router";
import { createMemo, createSignal, ErrorBoundary, Match, Show, Suspense, Switch } from "solid-js";
import { AppHeader, type NavItem } from "../components/AppHeader.tsx";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { ToastRegion } from "../components/ToastRegion.tsx";
import { isUnauthorized } from "../lib/api-errors.ts";
import { createRequestChanges } from "../lib/create-request-changes.ts";
import { getUnreadCount } from "../lib/notification-queries.ts";
import { getPendingCount, getSession } from "../lib/queries.ts";
import { signOut } from "../lib/sign-out.ts";

/** Every signed-in person's links; the Inbox link carries their unread count. */
const personalNav = (unread: () => number | undefined): NavItem[] => [
  { href: "/requests", label: "My requests" },
  { href: "/requests/new", label: "New request" },
  { href: "/vms", label: "My VMs" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/notifications", label: "Inbox", count: unread, countLabel: "unread" },
];

const approvalsLink = (pending: () => number | undefined): NavItem => ({
  href: "/admin/approvals",
  label: "Approvals",
  count: pending,
  countLabel: "waiting",
});

function adminNav(pending: () => number | undefined, unread: () => number | undefined): NavItem[] {
  return [
    ...personalNav(unread),
    approvalsLink(pending),
    { href: "/admin/agents", label: "Agents" },
    { href: "/admin/site", label: "Site settings" },
    { href: "/admin/sessions", label: "Sessions" },
    { href: "/settings/projects", label: "Settings" },
    { href: "/admin/audit", label: "Audit" },
    { href: "/admin/reconciliation", label: "Reconciliation" },
    { href: "/admin/leases", label: "Leases" },
    { href: "/admin/notifications", label: "Webhooks" },
  ];
}

/** A member's links, and the approval queue when they approve some project's requests. */
const memberNav = (
  user: SessionUser,
  pending: () => number | undefined,
  unread: () => number | undefined,
): NavItem[] =>
  (user.approverOf?.length ?? 0) > 0 ? [...personalNav(unread), approvalsLink(pending)] : personalNav(unread);

/**
 * The signed-in frame: header with who you are, navigation, the page and the toasts. No session →
 * sign-in. While signed in, one app-wide subscription to the tenant's request changes keeps every
 * page's data fresh (and an admin's count of requests waiting for approval).
 */
export default function AppLayout(props: RouteSectionProps) {
  const session = createAsync(() => getSession());
  const location = useLocation();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = createSignal(false);
  const signInHref = createMemo(
    () => `/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`,
  );

  const onSignOut = async (everywhere: boolean) => {
    setSigningOut(true);
    try {
      await signOut({ everywhere });
    } finally {
      setSigningOut(false);
      navigate("/sign-in", { replace: true });
    }
  };

  return (
    <ErrorBoundary
      fallback={(error, reset) => <ErrorNotice error={error} onRetry={reset} title="Gantry could not load" />}
    >
      <Suspense>
        <Switch>
          <Match when={session() === null}>
            <Navigate href={signInHref()} />
          </Match>
          <Match when={session()}>
            {(user) => {
              // lives exactly as long as the signed-in frame: sign-out unmounts it and closes the stream
              const live = createRequestChanges(() => ({ userId: user().userId, role: user().role }));
              // a badge, not the page: a failed count shows no badge rather than an error
              const approves = () => user().role === "admin" || (user().approverOf?.length ?? 0) > 0;
              const pending = createAsync(async () => {
                if (!approves()) return undefined;
                return (await getPendingCount().catch(() => undefined))?.count;
              });
              // the bell: pushed (an `inbox` frame refetches it), never polled
              const unread = createAsync(async () => (await getUnreadCount().catch(() => undefined))?.unread);
              return (
                <>
                  <a class="skip-link" href="#main">
                    Skip to content
                  </a>
                  <AppHeader
                    nav={
                      user().role === "admin" ? adminNav(pending, unread) : memberNav(user(), pending, unread)
                    }
                    name={user().name}
                    email={user().email}
                    tenant={user().tenantName ?? user().tenantId}
                    role={user().role}
                    signingOut={signingOut()}
                    onSignOut={(everywhere) => void onSignOut(everywhere)}
                  />
                  <main id="main" class="app-main" tabIndex={-1} data-live={live()}>
                    <ErrorBoundary
                      fallback={(error, reset) => (
                        <Show when={!isUnauthorized(error)} fallback={<Navigate href={signInHref()} />}>
                          <ErrorNotice error={error} onRetry={reset} />
                        </Show>
                      )}
                    >
                      <Suspense fallback={<p class="muted">Loading…</p>}>{props.children}</Suspense>
                    </ErrorBoundary>
                  </main>
                  <ToastRegion />
                </>
              );
            }}
          </Match>
        </Switch>
      </Suspense>
    </ErrorBoundary>
  );
}
