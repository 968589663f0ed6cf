import type { PendingRequest } from "@gantry/shared/api/approvals";
import { revalidate, useAction, useSubmission } from "@solidjs/router";
import { Show } from "solid-js";
import { DecisionBar } from "../../components/DecisionBar.tsx";
import { createRequestDialogs } from "../../lib/create-request-dialogs.ts";
import { approveAction, getPendingApprovals, rejectAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * Approve or reject one request from its row in the queue, with the same confirmations as on its page;
 * the row leaves the queue when the decision is in. Someone else deciding first is said in a toast.
 */
export function QueueDecision(props: { request: PendingRequest; adminId: string }) {
  const approve = useAction(approveAction);
  const reject = useAction(rejectAction);
  // a submission's input is the action's argument list
  const mine = ([input]: [{ requestId: string }]) => input.requestId === props.request.requestId;
  const approving = useSubmission(approveAction, mine);
  const rejecting = useSubmission(rejectAction, mine);
  const dialogs = createRequestDialogs({
    onConflict: async () => {
      toast(`${props.request.name} was already decided by another admin.`, "info");
      await revalidate(getPendingApprovals.key);
    },
  });
  const errorIn = (which: "approve" | "reject") => (dialogs.isOpen(which) ? dialogs.error() : null);
  const target = () => ({ requestId: props.request.requestId, expectedVersion: props.request.version });

  return (
    <Show
      when={props.request.requester.id !== props.adminId}
      fallback={<span class="muted">Yours: another admin decides</span>}
    >
      <DecisionBar
        vmName={props.request.name}
        inList
        approve={{
          open: dialogs.isOpen("approve"),
          onOpenChange: dialogs.onOpenChange("approve"),
          pending: approving.pending === true,
          error: errorIn("approve"),
          onApprove: () =>
            void dialogs.run(
              () => approve(target()),
              () => toast(`Approved ${props.request.name}. The agent starts building it now.`),
            ),
        }}
        reject={{
          open: dialogs.isOpen("reject"),
          onOpenChange: dialogs.onOpenChange("reject"),
          pending: rejecting.pending === true,
          error: errorIn("reject"),
          reasonError: dialogs.reasonError(),
          onReject: (reason) =>
            void dialogs.run(
              () => reject({ ...target(), reason }),
              () =>
                toast(`Rejected ${props.request.name}. ${props.request.requester.name} sees your reason.`),
            ),
        }}
      />
    </Show>
  );
}
