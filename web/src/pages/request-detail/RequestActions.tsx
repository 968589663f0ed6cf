import type { RequestDetail } from "@gantry/shared/api/requests";
import type { SessionUser } from "@gantry/shared/api/session";
import { revalidate, useAction, useSubmission } from "@solidjs/router";
import { createMemo, createSignal, Show } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { DecisionBar } from "../../components/DecisionBar.tsx";
import { isConflict, plainMessage } from "../../lib/api-errors.ts";
import { fieldErrorsOf, sentence } from "../../lib/field-errors.ts";
import { approveAction, cancelRequestAction, getRequest, rejectAction } from "../../lib/queries.ts";

const ALREADY_PROCESSED =
  "This request was already processed by another admin. The page now shows what they decided.";

/** Cancel for the requester; approve/reject for an admin of the tenant, while the request is pending. */
export function RequestActions(props: { detail: RequestDetail; session: SessionUser }) {
  const request = () => props.detail.request;
  const pending = () => request().status === "PENDING";
  const isRequester = () => request().requester.id === props.session.userId;
  const canDecide = () => props.session.role === "admin" && pending() && !isRequester();

  const cancel = useAction(cancelRequestAction);
  const approve = useAction(approveAction);
  const reject = useAction(rejectAction);
  const cancelling = useSubmission(cancelRequestAction);
  const approving = useSubmission(approveAction);
  const rejecting = useSubmission(rejectAction);

  const [open, setOpen] = createSignal<"cancel" | "approve" | "reject" | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [reasonError, setReasonError] = createSignal<string | null>(null);
  const [conflict, setConflict] = createSignal(false);

  const onOpenChange = (which: "cancel" | "approve" | "reject") => (isOpen: boolean) => {
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
      <Show when={props.session.role === "admin" && pending() && isRequester()}>
        <p class="muted">Another admin has to decide on your own request.</p>
      </Show>
    </div>
  );
}
