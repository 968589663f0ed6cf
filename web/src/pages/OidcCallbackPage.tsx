import { A, query, useNavigate } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { PageHeading } from "../components/PageHeader.tsx";
import { completeOidcSignIn, oidcConfig } from "../lib/oidc.ts";

/** Where the IdP sends the browser back: redeem the code, open the session, continue. */
export default function OidcCallbackPage() {
  const navigate = useNavigate();
  const [error, setError] = createSignal<string | null>(null);
  onMount(async () => {
    const config = oidcConfig();
    if (!config) {
      setError("Single sign-on is not configured for this Gantry.");
      return;
    }
    try {
      const next = await completeOidcSignIn(config, new URLSearchParams(location.search));
      query.clear();
      navigate(next.startsWith("/") && !next.startsWith("//") ? next : "/requests", { replace: true });
    } catch (e) {
      setError(e instanceof Error ? e.message : "Sign-in failed. Please start again.");
    }
  });
  return (
    <main class="centered-panel" id="main">
      <section class="card">
        <PageHeading title={error() ? "Sign-in did not work" : "Signing you in…"} />
        <Show when={error()} fallback={<p class="muted">One moment.</p>}>
          {(message) => (
            <>
              <p class="notice notice--danger" role="alert">
                {message()}
              </p>
              <A href="/sign-in" class="button">
                Back to sign-in
              </A>
            </>
          )}
        </Show>
      </section>
    </main>
  );
}
