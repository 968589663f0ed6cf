import type { PendingRequest } from "@gantry/shared/api/approvals";
import { revalidate } from "@solidjs/router";
import { Show } from "solid-js";
import { DecisionBar } from "../../components/DecisionBar.tsx";
import { createDecision } from "../../lib/create-decision.ts";
import { createRequestDialogs } from "../../lib/create-request-dialogs.ts";
import { getPendingApprovals } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * Approve or reject one request from its row in the queue, with the same confirmations as on its page;
 * the row leaves the queue when the decision is in. Someone else deciding first is said in a toast.
 */
export function QueueDecision(props: { request: PendingRequest; adminId: string }) {
  const dialogs = createRequestDialogs({
    onConflict: async () => {
      toast(`${props.request.name} was already decided by another admin.`, "info");
      await revalidate(getPendingApprovals.key);
    },
  });
  const decision = createDecision(
    () => ({
      requestId: props.request.requestId,
      expectedVersion: props.request.version,
      name: props.request.name,
      requesterName: props.request.requester.name,
    }),
    { dialogs },
  );
  return (
    <Show
      when={props.request.requester.id !== props.adminId}
      fallback={<span class="muted">Yours: another admin decides</span>}
    >
      <DecisionBar vmName={props.request.name} inList approve={decision.approve} reject={decision.reject} />
    </Show>
  );
}
