import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { formatDateTime } from "../../lib/format.ts";
import { getEnrollmentTokens, revokeEnrollmentTokenAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

/** Enrollment tokens nobody used yet (never their value): withdraw one that leaked or is not needed. */
export function UnusedTokens(props: { siteName: (siteId: string) => string }) {
  const tokens = createAsync(() => getEnrollmentTokens());
  const revoke = useAction(revokeEnrollmentTokenAction);
  const revoking = useSubmission(revokeEnrollmentTokenAction);
  // the token whose confirmation is open; its error is told in the dialog
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const onRevoke = async (tokenId: string) => {
    setError(null);
    try {
      await revoke(tokenId);
      setConfirming(null);
      toast("Enrollment token withdrawn. Nobody can enroll an agent with it now.");
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <Show when={(tokens() ?? []).length > 0}>
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Unused enrollment tokens</h2>
        <ul>
          <For each={tokens()}>
            {(token) => {
              const what = () =>
                `${props.siteName(token.siteId)} · made by ${token.createdByName ?? token.createdBy} · valid until ${formatDateTime(token.expiresAt)}`;
              return (
                <li data-token={token.tokenId}>
                  <span>{what()}</span>{" "}
                  <ConfirmDialog
                    triggerLabel="Withdraw…"
                    triggerDetail={what()}
                    triggerClass="button button--small"
                    title="Withdraw this enrollment token?"
                    confirmLabel="Withdraw token"
                    confirmClass="button button--danger"
                    destructive
                    open={confirming() === token.tokenId}
                    onOpenChange={(open) => {
                      setError(null);
                      setConfirming(open ? token.tokenId : null);
                    }}
                    onConfirm={() => void onRevoke(token.tokenId)}
                    pending={revoking.pending === true}
                    error={error()}
                  >
                    <p>
                      Nobody can enroll an agent with it any more. Agents already enrolled are not affected; a
                      new agent needs a new token.
                    </p>
                  </ConfirmDialog>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}
