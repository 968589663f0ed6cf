import { useAction, useSubmission } from "@solidjs/router";
import type { Accessor } from "solid-js";
import type { createRequestDialogs } from "./create-request-dialogs.ts";
import { approveAction, rejectAction } from "./queries.ts";
import { toast } from "./toasts.ts";

/** The pending request an admin decides on, at the version they see. */
export interface DecisionTarget {
  requestId: string;
  expectedVersion: number;
  name: string;
  requesterName: string;
}

/**
 * Approve and reject for one pending request, wherever it is decided (its page, its row in the queue):
 * the `DecisionBar`'s two dialog states, run through the request's dialogs, each confirmed with a toast
 * and then `onDecided`. Only this request's submissions count as pending.
 */
export function createDecision(
  target: Accessor<DecisionTarget>,
  options: { dialogs: ReturnType<typeof createRequestDialogs>; onDecided?: () => void },
) {
  const { dialogs } = options;
  const approve = useAction(approveAction);
  const reject = useAction(rejectAction);
  // a submission's input is the action's argument list
  const mine = ([input]: [{ requestId: string }]) => input.requestId === target().requestId;
  const approving = useSubmission(approveAction, mine);
  const rejecting = useSubmission(rejectAction, mine);
  const errorIn = (which: "approve" | "reject") => (dialogs.isOpen(which) ? dialogs.error() : null);
  const decided = (text: string) => () => {
    toast(text);
    options.onDecided?.();
  };
  const version = () => ({ requestId: target().requestId, expectedVersion: target().expectedVersion });

  return {
    approve: {
      get open() {
        return dialogs.isOpen("approve");
      },
      onOpenChange: dialogs.onOpenChange("approve"),
      get pending() {
        return approving.pending === true;
      },
      get error() {
        return errorIn("approve");
      },
      onApprove: () =>
        void dialogs.run(
          () => approve(version()),
          decided(`Approved ${target().name}. The agent starts building it now.`),
        ),
    },
    reject: {
      get open() {
        return dialogs.isOpen("reject");
      },
      onOpenChange: dialogs.onOpenChange("reject"),
      get pending() {
        return rejecting.pending === true;
      },
      get error() {
        return errorIn("reject");
      },
      get reasonError() {
        return dialogs.reasonError();
      },
      onReject: (reason: string) =>
        void dialogs.run(
          () => reject({ ...version(), reason }),
          decided(`Rejected ${target().name}. ${target().requesterName} sees your reason.`),
        ),
    },
  };
}
