import { createAsync, query, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, For, Show, Suspense } from "solid-js";
import { PageHeading } from "../components/PageHeader.tsx";
import { type DevUser, devLogin, getDevUsers } from "../lib/dev-login.ts";
import { oidcConfig, startOidcSignIn } from "../lib/oidc.ts";

/** Only same-site paths, so `?next=` cannot send people elsewhere. */
const safeNext = (next: string | string[] | undefined): string =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/requests";

function DevUserList(props: { users: readonly DevUser[]; busy: boolean; onPick: (email: string) => void }) {
  return (
    <>
      <p>Local development: pick a seeded user. No password needed.</p>
      <ul class="sign-in-users">
        <For each={props.users}>
          {(user) => (
            <li>
              {/* the button's name is what it shows: who you become */}
              <button
                type="button"
                class="button sign-in-user"
                onClick={() => props.onPick(user.email)}
                disabled={props.busy}
              >
                <span>
                  <strong>{user.name}</strong>
                  <span class="muted"> · {user.email}</span>
                </span>
                <span class="muted">
                  {user.tenantName ?? ""} · {user.role}
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </>
  );
}

/** Production: single sign-on (OIDC with PKCE). Locally: the dev login lists the seeded users. */
export default function SignInPage() {
  const devUsers = createAsync(() => getDevUsers());
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const sso = oidcConfig();

  const attempt = async (task: () => Promise<void>) => {
    if (busy()) return;
    setBusy(true);
    setError(null);
    try {
      await task();
    } catch (e) {
      setError(e instanceof Error ? e.message : "Sign-in failed.");
    } finally {
      setBusy(false);
    }
  };

  const signInAs = (email: string) =>
    attempt(async () => {
      await devLogin(email);
      // reads cached while signed out (the session above all) must not outlive the sign-in
      query.clear();
      navigate(safeNext(search.next), { replace: true });
    });

  return (
    <main class="centered-panel" id="main">
      <section class="card">
        <PageHeading title="Sign in">Sign in to Gantry</PageHeading>
        <p class="muted">Self-service VMs for your datacenter.</p>
        <Suspense fallback={<p class="muted">Loading sign-in options…</p>}>
          <Show when={sso}>
            {(config) => (
              <p>
                <button
                  type="button"
                  class="button button--primary"
                  disabled={busy()}
                  onClick={() => void attempt(() => startOidcSignIn(config(), safeNext(search.next)))}
                >
                  Continue with single sign-on
                </button>
              </p>
            )}
          </Show>
          <Show when={devUsers()}>
            {(users) => (
              <DevUserList users={users()} busy={busy()} onPick={(email) => void signInAs(email)} />
            )}
          </Show>
          <Show when={!sso && devUsers() === null}>
            <p>Sign-in is not set up for this Gantry yet. Ask your administrator.</p>
          </Show>
        </Suspense>
        <Show when={error()}>
          {(message) => (
            <p class="notice notice--danger" role="alert">
              {message()}
            </p>
          )}
        </Show>
      </section>
    </main>
  );
}
