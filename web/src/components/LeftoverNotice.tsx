import { A, createAsync, useAction, useSubmission } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { plainMessage } from "../lib/api-errors.ts";
import { formatDateTime } from "../lib/format.ts";
import { clearLeftoverAction, getLeftovers } from "../lib/queries.ts";
import { toast } from "../lib/toasts.ts";
import { ConfirmDialog } from "./ConfirmDialog.tsx";

/**
 * Admins only: half-built VMs a failed provisioning could not remove. They use capacity in vCenter
 * until someone deletes them by hand, so this stays on the admin's pages until each one is cleared.
 * Renders nothing while there are none; a failure pushed on the feed refreshes it.
 */
export function LeftoverNotice() {
  const leftovers = createAsync(() => getLeftovers());
  const clear = useAction(clearLeftoverAction);
  const clearing = useSubmission(clearLeftoverAction);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const onClear = async (requestId: string, vmName: string) => {
    setError(null);
    try {
      await clear(requestId);
      setConfirming(null);
      toast(`Marked ${vmName} as removed from vCenter.`);
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <Show when={(leftovers() ?? []).length > 0}>
      <section
        class="notice notice--danger leftovers"
        role="alert"
        aria-labelledby="leftovers-title"
        data-testid="leftovers"
      >
        <h2 id="leftovers-title">Needs attention: VMs left in vCenter</h2>
        <p>
          Provisioning failed and Gantry could not remove what it had already built. Delete each VM in
          vCenter, then mark it removed here.
        </p>
        <ul class="leftovers__list">
          <For each={leftovers()}>
            {(item) => (
              <li data-testid="leftover">
                <p>
                  <strong class="mono">{item.vmName}</strong> on {item.siteName}, requested by{" "}
                  {item.requester.name}; failed {formatDateTime(item.failedAt)} ·{" "}
                  <A href={`/requests/${item.requestId}`}>open the request</A>
                </p>
                <details>
                  <summary>Technical detail</summary>
                  <pre class="mono">{item.detail}</pre>
                </details>
                <ConfirmDialog
                  triggerLabel="Mark as removed…"
                  triggerClass="button button--small"
                  title={`Is ${item.vmName} gone from vCenter?`}
                  confirmLabel="It is removed"
                  cancelLabel="Not yet"
                  destructive
                  open={confirming() === item.requestId}
                  onOpenChange={(open) => {
                    setError(null);
                    setConfirming(open ? item.requestId : null);
                  }}
                  onConfirm={() => void onClear(item.requestId, item.vmName)}
                  pending={clearing.pending === true}
                  error={error()}
                >
                  <p>
                    Gantry cannot check this for you: confirm only once the VM has been deleted in vCenter.
                    The request's history records who confirmed it.
                  </p>
                </ConfirmDialog>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
