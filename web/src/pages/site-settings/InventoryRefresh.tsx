import { useAction, useSubmission } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { plainMessage } from "../../lib/api-errors.ts";
import { refreshInventoryAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * "Read again from vCenter": agents report their inventory on connect and on a periodic check, so a
 * network or template just added in vCenter shows here on demand. The action's end revalidates the
 * cached inventory, which redraws the pickers.
 */
export function InventoryRefresh(props: { siteId: string }) {
  const refresh = useAction(refreshInventoryAction);
  const refreshing = useSubmission(refreshInventoryAction);
  const [error, setError] = createSignal<string | null>(null);

  const onRefresh = async () => {
    if (refreshing.pending) return;
    setError(null);
    try {
      await refresh(props.siteId);
      toast("Read the inventory again from vCenter.", "info");
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <div class="inventory-refresh">
      <button
        type="button"
        class="button button--small"
        onClick={() => void onRefresh()}
        disabled={refreshing.pending === true}
        aria-busy={refreshing.pending === true}
      >
        {refreshing.pending ? "Reading vCenter…" : "Read again from vCenter"}
      </button>
      <Show when={error()}>
        {(message) => (
          <p class="notice notice--danger" role="alert" data-testid="inventory-refresh-error">
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}
