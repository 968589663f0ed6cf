import type { RequestDetail } from "@gantry/shared/api/requests";
import type { SessionUser } from "@gantry/shared/api/session";
import { revalidate, useAction, useSubmission } from "@solidjs/router";
import { Show } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { DecisionBar } from "../../components/DecisionBar.tsx";
import { ReasonDialog } from "../../components/ReasonDialog.tsx";
import { createDecision } from "../../lib/create-decision.ts";
import { createRequestDialogs, type RequestDialog } from "../../lib/create-request-dialogs.ts";
import { cancelRequestAction, getRequest, stopProvisioningAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";
import { StoppingNotice } from "./StoppingNotice.tsx";

const ALREADY_PROCESSED =
  "This request was already processed by another admin. The page now shows what they decided.";

const STOP_TEXT = {
  id: "stop",
  trigger: "Stop provisioning…",
  title: "Stop provisioning this VM?",
  description:
    "The agent stops and removes what it has built so far; the request ends as failed. The requester sees your reason.",
  submit: "Stop provisioning",
  submitting: "Stopping…",
};

/**
 * Cancel for the requester; approve/reject for an admin of the tenant while the request is pending;
 * stop for an admin while it is approved or provisioning. Each confirms with a toast; a decision also
 * tells the page (`onDecided`), which then offers the next request in the queue.
 */
export function RequestActions(props: {
  detail: RequestDetail;
  session: SessionUser;
  onDecided: () => void;
}) {
  const request = () => props.detail.request;
  const pending = () => request().status === "PENDING";
  const isRequester = () => request().requester.id === props.session.userId;
  // tenant admins decide every project's requests, project approvers their projects' (never their own)
  const decides = () =>
    props.session.role === "admin" || (props.session.approverOf ?? []).includes(request().projectId);
  const canDecide = () => decides() && pending() && !isRequester();
  const running = () => request().status === "APPROVED" || request().status === "PROVISIONING";
  const stopEntry = () => props.detail.timeline.find((e) => e.kind === "STOP_REQUESTED");
  const stopRequested = () => stopEntry() !== undefined;
  const stopReason = () => stopEntry()?.detail ?? "stopped by an admin";

  const cancel = useAction(cancelRequestAction);
  const cancelling = useSubmission(cancelRequestAction);
  const stop = useAction(stopProvisioningAction);
  const stopping = useSubmission(stopProvisioningAction);

  const dialogs = createRequestDialogs({
    onConflict: () => revalidate(getRequest.keyFor(request().requestId)),
  });
  const { run, error, reasonError } = dialogs;
  // a dialog's own error shows only while it is open
  const errorIn = (which: RequestDialog) => (dialogs.isOpen(which) ? error() : null);

  const decision = createDecision(
    () => ({
      requestId: request().requestId,
      expectedVersion: request().version,
      name: request().name,
      requesterName: request().requester.name,
    }),
    { dialogs, onDecided: () => props.onDecided() },
  );

  return (
    <div class="request-actions">
      <Show when={dialogs.conflict()}>
        <p class="notice notice--warning" role="alert" data-testid="conflict">
          {ALREADY_PROCESSED}
        </p>
      </Show>
      <Show when={pending() && isRequester()}>
        <ConfirmDialog
          triggerLabel="Cancel request…"
          title="Cancel this request?"
          confirmLabel="Yes, cancel request"
          confirmClass="button button--danger"
          cancelLabel="Keep it"
          destructive
          open={dialogs.isOpen("cancel")}
          onOpenChange={dialogs.onOpenChange("cancel")}
          onConfirm={() =>
            void run(
              () => cancel(request().requestId),
              () => toast(`Cancelled ${request().name}. Nothing will be built.`),
            )
          }
          pending={cancelling.pending === true}
          error={error()}
        >
          <p>
            Nobody will be asked to approve it and no VM is built. You can submit a new request at any time.
          </p>
        </ConfirmDialog>
      </Show>
      <Show when={canDecide()}>
        <DecisionBar vmName={request().name} approve={decision.approve} reject={decision.reject} />
      </Show>
      <Show when={props.session.role === "admin" && running() && !stopRequested()}>
        <ReasonDialog
          text={STOP_TEXT}
          open={dialogs.isOpen("stop")}
          onOpenChange={dialogs.onOpenChange("stop")}
          onSubmit={(reason) =>
            void run(
              () => stop({ requestId: request().requestId, reason }),
              () => toast(`Stopping ${request().name}: the agent removes what it built.`),
            )
          }
          pending={stopping.pending === true}
          error={errorIn("stop")}
          reasonError={dialogs.isOpen("stop") ? reasonError() : null}
        />
      </Show>
      <Show when={running() && stopRequested()}>
        <StoppingNotice
          isAdmin={props.session.role === "admin"}
          resending={stopping.pending === true}
          error={dialogs.open() === null ? error() : null}
          onResend={() => void run(() => stop({ requestId: request().requestId, reason: stopReason() }))}
        />
      </Show>
      <Show when={props.session.role === "admin" && pending() && isRequester()}>
        <p class="muted">Another admin has to decide on your own request.</p>
      </Show>
    </div>
  );
}
