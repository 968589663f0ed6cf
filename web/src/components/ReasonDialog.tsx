import { REJECT_REASON_MAX, REJECT_REASON_MIN, RejectReason } from "@gantry/shared/domain/request-text";
// a namespace import keeps Content a plain dialog (see ConfirmDialog.tsx)
import * as Dialog from "@kobalte/core/dialog";
import { createMemo, createSignal, Show } from "solid-js";
import { DialogFooter } from "./DialogFooter.tsx";
import { FieldError } from "./FieldError.tsx";

/** What a reason dialog says: the reject dialog's and the stop dialog's words. */
export interface ReasonDialogText {
  /** prefixes the field's ids, unique on the page */
  id: string;
  trigger: string;
  title: string;
  description: string;
  submit: string;
  submitting: string;
}

/**
 * An action that needs a reason of 10–500 characters the requester will read, checked with the
 * server's own rule as you type.
 */
export function ReasonDialog(props: {
  text: ReasonDialogText;
  /** read after the trigger's label by screen readers only ("web-01"), as on ConfirmDialog */
  triggerDetail?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSubmit: (reason: string) => void;
  pending: boolean;
  error: string | null;
  /** a server-side complaint about the reason itself */
  reasonError: string | null;
}) {
  const id = (part: string) => `${props.text.id}-${part}`;
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
    if (result.success && !props.pending) props.onSubmit(result.data);
  };
  return (
    <Dialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Dialog.Trigger class="button">
        {props.text.trigger}
        <Show when={props.triggerDetail}>
          <span class="visually-hidden"> {props.triggerDetail}</span>
        </Show>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <Dialog.Content class="dialog">
            <Dialog.Title as="h2">{props.text.title}</Dialog.Title>
            <Dialog.Description>{props.text.description}</Dialog.Description>
            <form onSubmit={submit} noValidate>
              <div class="field">
                <label for={id("reason")}>Reason</label>
                <textarea
                  id={id("reason")}
                  class="textarea"
                  value={reason()}
                  onInput={(e) => setReason(e.currentTarget.value)}
                  onBlur={() => setTouched(true)}
                  aria-invalid={shownError() ? "true" : "false"}
                  aria-describedby={`${id("reason-hint")} ${id("reason-error")}`}
                  maxlength={REJECT_REASON_MAX + 50}
                />
                <span id={id("reason-hint")} class="field__hint tabular">
                  {REJECT_REASON_MIN}–{REJECT_REASON_MAX} characters · {reason().trim().length} so far
                </span>
                <FieldError id={id("reason-error")} message={shownError()} />
              </div>
              <DialogFooter
                error={props.error}
                pending={props.pending}
                actionType="submit"
                actionClass="button button--danger"
                actionLabel={props.text.submit}
                pendingLabel={props.text.submitting}
                // Kobalte names a close button "Dismiss" unless told: its name must be what it says
                close={
                  <Dialog.CloseButton class="button" aria-label="Back">
                    Back
                  </Dialog.CloseButton>
                }
              />
            </form>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
