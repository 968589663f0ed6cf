import type { RequestDetail } from "@gantry/shared/api/requests";
import type { SessionUser } from "@gantry/shared/api/session";
import { revalidate, useAction, useSubmission } from "@solidjs/router";
import { createMemo, createSignal, Show } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { DecisionBar } from "../../components/DecisionBar.tsx";
import { ReasonDialog } from "../../components/ReasonDialog.tsx";
import { isConflict, plainMessage } from "../../lib/api-errors.ts";
import { fieldErrorsOf, sentence } from "../../lib/field-errors.ts";
import {
  approveAction,
  cancelRequestAction,
  getRequest,
  rejectAction,
  stopProvisioningAction,
} from "../../lib/queries.ts";

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
 * stop for an admin while it is approved or provisioning.
 */
export function RequestActions(props: { detail: RequestDetail; session: SessionUser }) {
  const request = () => props.detail.request;
  const pending = () => request().status === "PENDING";
  const isRequester = () => request().requester.id === props.session.userId;
  const canDecide = () => props.session.role === "admin" && pending() && !isRequester();
  const running = () => request().status === "APPROVED" || request().status === "PROVISIONING";
  const stopEntry = () => props.detail.timeline.find((e) => e.kind === "STOP_REQUESTED");
  const stopRequested = () => stopEntry() !== undefined;
  const stopReason = () => stopEntry()?.detail ?? "stopped by an admin";

  const cancel = useAction(cancelRequestAction);
  const approve = useAction(approveAction);
  const reject = useAction(rejectAction);
  const cancelling = useSubmission(cancelRequestAction);
  const approving = useSubmission(approveAction);
  const rejecting = useSubmission(rejectAction);
  const stop = useAction(stopProvisioningAction);
  const stopping = useSubmission(stopProvisioningAction);

  const [open, setOpen] = createSignal<"cancel" | "approve" | "reject" | "stop" | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [reasonError, setReasonError] = createSignal<string | null>(null);
  const [conflict, setConflict] = createSignal(false);

  const onOpenChange = (which: "cancel" | "approve" | "reject" | "stop") => (isOpen: boolean) => {
    setError(null);
    setReasonError(null);
    setOpen(isOpen ? which : null);
  };

  const run = async (task: () => Promise<unknown>) => {
    setError(null);
    try {
      await task();
      setOpen(null);
    } catch (e) {
      if (isConflict(e)) {
        // someone else decided first: close the dialog and show their decision
        setConflict(true);
        setOpen(null);
        await revalidate(getRequest.keyFor(request().requestId));
        return;
      }
      const reason = fieldErrorsOf(e).reason;
      if (reason) setReasonError(sentence("The reason", reason));
      else setError(plainMessage(e));
    }
  };

  const expectedVersion = createMemo(() => request().version);

  return (
    <div class="request-actions">
      <Show when={conflict()}>
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
          open={open() === "cancel"}
          onOpenChange={onOpenChange("cancel")}
          onConfirm={() => void run(() => cancel(request().requestId))}
          pending={cancelling.pending === true}
          error={error()}
        >
          <p>
            Nobody will be asked to approve it and no VM is built. You can submit a new request at any time.
          </p>
        </ConfirmDialog>
      </Show>
      <Show when={canDecide()}>
        <DecisionBar
          vmName={request().name}
          approve={{
            open: open() === "approve",
            onOpenChange: onOpenChange("approve"),
            pending: approving.pending === true,
            error: open() === "approve" ? error() : null,
            onApprove: () =>
              void run(() => approve({ requestId: request().requestId, expectedVersion: expectedVersion() })),
          }}
          reject={{
            open: open() === "reject",
            onOpenChange: onOpenChange("reject"),
            pending: rejecting.pending === true,
            error: open() === "reject" ? error() : null,
            reasonError: reasonError(),
            onReject: (reason) =>
              void run(() =>
                reject({ requestId: request().requestId, expectedVersion: expectedVersion(), reason }),
              ),
          }}
        />
      </Show>
      <Show when={props.session.role === "admin" && running() && !stopRequested()}>
        <ReasonDialog
          text={STOP_TEXT}
          open={open() === "stop"}
          onOpenChange={onOpenChange("stop")}
          onSubmit={(reason) => void run(() => stop({ requestId: request().requestId, reason }))}
          pending={stopping.pending === true}
          error={open() === "stop" ? error() : null}
          reasonError={open() === "stop" ? reasonError() : null}
        />
      </Show>
      <Show when={running() && stopRequested()}>
        <div class="notice notice--warning" role="status" data-testid="stopping">
          <p>Stopping: the agent is removing what it built so far.</p>
          <Show when={props.session.role === "admin"}>
            <p>
              Nothing changing? Sending the stop again is safe.{" "}
              <button
                type="button"
                class="button button--small"
                disabled={stopping.pending === true}
                onClick={() => void run(() => stop({ requestId: request().requestId, reason: stopReason() }))}
              >
                {stopping.pending ? "Sending…" : "Send the stop again"}
              </button>
            </p>
          </Show>
          <Show when={open() === null && error()}>{(message) => <p role="alert">{message()}</p>}</Show>
        </div>
      </Show>
      <Show when={props.session.role === "admin" && pending() && isRequester()}>
        <p class="muted">Another admin has to decide on your own request.</p>
      </Show>
    </div>
  );
}
