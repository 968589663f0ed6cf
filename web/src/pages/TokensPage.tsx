import type { ApiToken } from "@gantry/shared/api/tokens";
import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { plainMessage } from "../lib/api-errors.ts";
import { createNow } from "../lib/create-now.ts";
import { getSession, getTokens, revokeTokenAction } from "../lib/queries.ts";
import { toast } from "../lib/toasts.ts";
import { CreateTokenForm } from "./tokens/CreateTokenForm.tsx";
import { TokenTable } from "./tokens/TokenTable.tsx";

/**
 * Personal API tokens: make one (its secret shown once), see yours with when each was last used, revoke
 * one. An admin may switch to every token of the tenant and revoke any of them.
 */
export default function TokensPage() {
  const session = createAsync(() => getSession());
  const admin = () => session()?.role === "admin";
  const [everyone, setEveryone] = createSignal(false);
  const tokens = createAsync(() => getTokens(everyone() && admin()));
  const now = createNow(60_000);
  const revoke = useAction(revokeTokenAction);
  const revoking = useSubmission(revokeTokenAction);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const onRevoke = async (token: ApiToken) => {
    setError(null);
    try {
      await revoke(token.tokenId);
      setConfirming(null);
      toast(`Revoked the token "${token.name}". Calls with it are refused from now on.`);
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <>
      <PageHeader title="API tokens" />
      <CreateTokenForm admin={admin()} />
      <section class="card" aria-labelledby="token-list-title">
        <h2 id="token-list-title">{everyone() && admin() ? "Every token of the tenant" : "Your tokens"}</h2>
        <Show when={admin()}>
          <label class="choice">
            <input
              type="checkbox"
              checked={everyone()}
              onChange={(e) => setEveryone(e.currentTarget.checked)}
            />{" "}
            Show everyone's tokens
          </label>
        </Show>
        <Show when={tokens()}>
          {(list) => (
            <Show when={list().length > 0} fallback={<EmptyState title="No tokens yet" />}>
              <TokenTable
                tokens={list()}
                now={now()}
                showOwner={everyone() && admin()}
                action={(token) => (
                  <Show when={!token.revokedAt}>
                    <ConfirmDialog
                      triggerLabel="Revoke…"
                      triggerDetail={token.name}
                      triggerClass="button button--small"
                      title={`Revoke the token "${token.name}"?`}
                      confirmLabel="Revoke token"
                      confirmClass="button button--danger"
                      destructive
                      open={confirming() === token.tokenId}
                      onOpenChange={(open) => {
                        setError(null);
                        setConfirming(open ? token.tokenId : null);
                      }}
                      onConfirm={() => void onRevoke(token)}
                      pending={revoking.pending === true}
                      error={error()}
                    >
                      <p>
                        Every script that uses it is refused from its next call. This cannot be undone; a new
                        token has a new secret.
                      </p>
                    </ConfirmDialog>
                  </Show>
                )}
              />
            </Show>
          )}
        </Show>
      </section>
    </>
  );
}
