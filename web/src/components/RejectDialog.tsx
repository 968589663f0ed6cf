import { REJECT_REASON_MAX, REJECT_REASON_MIN, RejectReason } from "@gantry/shared/domain/request-text";
// a namespace import keeps Content a plain dialog (see ConfirmDialog.tsx)
import * as Dialog from "@kobalte/core/dialog";
import { createMemo, createSignal, Show } from "solid-js";
import { FieldError } from "./FieldError.tsx";

/** Reject with a reason of 10–500 characters, checked with the server's own rule as you type. */
export function RejectDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onReject: (reason: string) => void;
  pending: boolean;
  error: string | null;
  /** a server-side complaint about the reason itself */
  reasonError: string | null;
}) {
  const [reason, setReason] = createSignal("");
  const [touched, setTouched] = createSignal(false);
  const check = createMemo(() => RejectReason.safeParse(reason()));
  const localError = createMemo(() => {
    const result = check();
    return touched() && !result.success
      ? `The reason ${result.error.issues[0]?.message ?? "is not valid"}.`
      : null;
  });
  const shownError = () => localError() ?? props.reasonError;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setTouched(true);
    const result = check();
    if (result.success && !props.pending) props.onReject(result.data);
  };
  return (
    <Dialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Dialog.Trigger class="button">Reject…</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <Dialog.Content class="dialog">
            <Dialog.Title as="h2">Reject this request</Dialog.Title>
            <Dialog.Description>
              The requester sees your reason, so tell them what to change.
            </Dialog.Description>
            <form onSubmit={submit} noValidate>
              <div class="field">
                <label for="reject-reason">Reason</label>
                <textarea
                  id="reject-reason"
                  class="textarea"
                  value={reason()}
                  onInput={(e) => setReason(e.currentTarget.value)}
                  onBlur={() => setTouched(true)}
                  aria-invalid={shownError() ? "true" : "false"}
                  aria-describedby="reject-reason-hint reject-reason-error"
                  maxlength={REJECT_REASON_MAX + 50}
                />
                <span id="reject-reason-hint" class="field__hint tabular">
                  {REJECT_REASON_MIN}–{REJECT_REASON_MAX} characters · {reason().trim().length} so far
                </span>
                <FieldError id="reject-reason-error" message={shownError()} />
              </div>
              <Show when={props.error}>
                {(error) => (
                  <p class="notice notice--danger" role="alert">
                    {error()}
                  </p>
                )}
              </Show>
              <div class="form-actions">
                <button
                  type="submit"
                  class="button button--danger"
                  disabled={props.pending}
                  aria-busy={props.pending}
                >
                  {props.pending ? "Rejecting…" : "Reject request"}
                </button>
                <Dialog.CloseButton class="button">Back</Dialog.CloseButton>
              </div>
            </form>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
