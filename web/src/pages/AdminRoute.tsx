import type { SessionUser } from "@gantry/shared/api/session";
import { A, createAsync, type RouteSectionProps } from "@solidjs/router";
import { type Component, lazy, Show } from "solid-js";
import { PageHeader } from "../components/PageHeader.tsx";
import { getSession } from "../lib/queries.ts";

function AdminsOnly() {
  return (
    <section class="card" data-testid="admins-only">
      <PageHeader title="For admins only" />
      <p>This page is for your team's admins. Ask one of them if you need something changed here.</p>
      <A href="/requests" class="button">
        Go to my requests
      </A>
    </section>
  );
}

/**
 * An admin page's route component: the page (a lazy chunk, never loaded for a member) for an admin,
 * a plain "for admins only" page for anyone else, without asking the edge for admin data first.
 */
export function adminPage(load: () => Promise<{ default: Component<RouteSectionProps> }>) {
  return gatedPage(load, (user) => user.role === "admin");
}

/** Like {@link adminPage}, also open to project approvers (the approval queue: their projects only). */
export function approverPage(load: () => Promise<{ default: Component<RouteSectionProps> }>) {
  return gatedPage(load, (user) => user.role === "admin" || (user.approverOf?.length ?? 0) > 0);
}

function gatedPage(
  load: () => Promise<{ default: Component<RouteSectionProps> }>,
  allowed: (user: SessionUser) => boolean,
) {
  const Page = lazy(load);
  return (props: RouteSectionProps) => {
    const session = createAsync(() => getSession());
    return (
      <Show when={session()}>
        {(user) => (
          <Show when={allowed(user())} fallback={<AdminsOnly />}>
            <Page {...props} />
          </Show>
        )}
      </Show>
    );
  };
}

/** Starts an admin page's reads on hover or navigation, for admins only (a member's would be refused). */
export function adminPreload(preload: () => void): () => void {
  return () => {
    void getSession().then((user) => {
      if (user?.role === "admin") preload();
    });
  };
}
