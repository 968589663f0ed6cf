import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { plainMessage } from "../../lib/api-errors.ts";
import { formatDateTime } from "../../lib/format.ts";
import { getEnrollmentTokens, revokeEnrollmentTokenAction } from "../../lib/queries.ts";

/** Enrollment tokens nobody used yet (never their value): withdraw one that leaked or is not needed. */
export function UnusedTokens(props: { siteName: (siteId: string) => string }) {
  const tokens = createAsync(() => getEnrollmentTokens());
  const revoke = useAction(revokeEnrollmentTokenAction);
  const revoking = useSubmission(revokeEnrollmentTokenAction);
  const [error, setError] = createSignal<string | null>(null);

  const onRevoke = async (tokenId: string) => {
    setError(null);
    try {
      await revoke(tokenId);
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <Show when={(tokens() ?? []).length > 0}>
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Unused enrollment tokens</h2>
        <Show when={error()}>
          {(message) => (
            <p class="notice notice--danger" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <ul>
          <For each={tokens()}>
            {(token) => (
              <li data-token={token.tokenId}>
                <span>
                  {props.siteName(token.siteId)} · made by {token.createdBy} · valid until{" "}
                  {formatDateTime(token.expiresAt)}
                </span>{" "}
                <button
                  type="button"
                  class="button button--small"
                  disabled={revoking.pending === true}
                  onClick={() => void onRevoke(token.tokenId)}
                >
                  Revoke token
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
