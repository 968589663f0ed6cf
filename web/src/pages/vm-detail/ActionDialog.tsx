import * as AlertDialog from "@kobalte/core/alert-dialog";
import { createSignal, type JSX, Show } from "solid-js";
import { DialogFooter } from "../../components/DialogFooter.tsx";
import { asSentence, plainMessage } from "../../lib/api-errors.ts";
import { newIdempotencyKey } from "../../lib/idempotency-key.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * A VM action behind a trigger and a confirmation. The trigger is disabled with the reason beside it
 * when the edge says the action cannot run now. Initial focus is on the safe button, so one Enter never
 * acts; focus returns to the trigger on close. One idempotency key per opening: a retry after a lost
 * answer is the same action. Once the edge took it, a toast says so (the outcome follows on the page).
 */
export function ActionDialog(props: {
  id: string;
  triggerLabel: string;
  triggerClass?: string;
  disabledReason: string | null;
  disabled: boolean;
  title: string;
  children?: JSX.Element;
  confirmLabel: string;
  confirmClass?: string;
  /** false keeps the confirm button disabled (e.g. the typed name does not match yet) */
  canConfirm?: boolean;
  onConfirm: (idempotencyKey: string) => Promise<unknown>;
  /** the toast once the edge took the action ("Power off of web-01 requested. …"), read when confirmed */
  confirmed: () => string;
  onOpen?: () => void;
}) {
  const [open, setOpen] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let key = newIdempotencyKey();
  let safe: HTMLButtonElement | undefined;
  const onOpenChange = (next: boolean) => {
    if (next) {
      key = newIdempotencyKey();
      setError(null);
      props.onOpen?.();
    }
    setOpen(next);
  };
  const confirm = async () => {
    if (props.canConfirm === false) return;
    setPending(true);
    setError(null);
    try {
      await props.onConfirm(key);
      setOpen(false);
      toast(props.confirmed());
    } catch (e) {
      setError(plainMessage(e));
    } finally {
      setPending(false);
    }
  };
  const reasonId = () => `${props.id}-why`;
  return (
    <span class="vm-action">
      <AlertDialog.Root open={open()} onOpenChange={onOpenChange}>
        <AlertDialog.Trigger
          class={props.triggerClass ?? "button"}
          disabled={props.disabled}
          aria-describedby={props.disabled && props.disabledReason ? reasonId() : undefined}
        >
          {props.triggerLabel}
        </AlertDialog.Trigger>
        <AlertDialog.Portal>
          <AlertDialog.Overlay class="dialog-overlay" />
          <div class="dialog-positioner">
            <AlertDialog.Content
              class="dialog"
              onOpenAutoFocus={(event) => {
                event.preventDefault();
                safe?.focus();
              }}
            >
              <AlertDialog.Title as="h2">{props.title}</AlertDialog.Title>
              <AlertDialog.Description as="div">{props.children}</AlertDialog.Description>
              <DialogFooter
                error={error()}
                pending={pending() || props.canConfirm === false}
                actionType="button"
                actionClass={props.confirmClass ?? "button button--primary"}
                actionLabel={props.confirmLabel}
                pendingLabel={pending() ? "Working…" : props.confirmLabel}
                onAction={() => void confirm()}
                close={
                  // Kobalte names a close button "Dismiss" unless told: its name must be what it says
                  <AlertDialog.CloseButton class="button" ref={safe} aria-label="Keep it as it is">
                    Keep it as it is
                  </AlertDialog.CloseButton>
                }
              />
            </AlertDialog.Content>
          </div>
        </AlertDialog.Portal>
      </AlertDialog.Root>
      <Show when={props.disabled && props.disabledReason}>
        {(why) => (
          <span class="muted vm-action__why" id={reasonId()}>
            {asSentence(why())}
          </span>
        )}
      </Show>
    </span>
  );
}
