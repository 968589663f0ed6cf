import { createAsync, query, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, For, Show, Suspense } from "solid-js";
import { devLogin, getDevUsers } from "../lib/dev-login.ts";

/** Only same-site paths, so `?next=` cannot send people elsewhere. */
const safeNext = (next: string | string[] | undefined): string =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/requests";

export default function SignInPage() {
  const devUsers = createAsync(() => getDevUsers());
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [busyEmail, setBusyEmail] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const signInAs = async (email: string) => {
    if (busyEmail()) return;
    setBusyEmail(email);
    setError(null);
    try {
      await devLogin(email);
      // reads cached while signed out (the session above all) must not outlive the sign-in
      query.clear();
      navigate(safeNext(search.next), { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : "Sign-in failed.");
    } finally {
      setBusyEmail(null);
    }
  };

  return (
    <main class="centered-panel" id="main">
      <section class="card">
        <h1>Sign in to Gantry</h1>
        <p class="muted">Self-service VMs for your datacenter.</p>
        <Suspense fallback={<p class="muted">Loading sign-in options…</p>}>
          <Show
            when={devUsers()}
            fallback={
              <a
                class="button button--primary"
                href={`/auth/login?next=${encodeURIComponent(safeNext(search.next))}`}
              >
                Continue with single sign-on
              </a>
            }
          >
            {(users) => (
              <>
                <p>Local development: pick a seeded user. No password needed.</p>
                <ul class="sign-in-users">
                  <For each={users()}>
                    {(user) => (
                      <li>
                        <button
                          type="button"
                          class="button sign-in-user"
                          onClick={() => void signInAs(user.email)}
                          disabled={busyEmail() !== null}
                          aria-label={`Sign in as ${user.email}`}
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
            )}
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
