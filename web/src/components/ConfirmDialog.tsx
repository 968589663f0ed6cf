// namespace imports: Kobalte's `AlertDialog` and `Dialog` objects are the same mutated function, so
// `Dialog.Content` would turn into an alertdialog once both are loaded; the named parts stay distinct
import * as AlertDialog from "@kobalte/core/alert-dialog";
import { type JSX, Show } from "solid-js";
import { DialogFooter } from "./DialogFooter.tsx";

/**
 * A trigger button and the confirmation it opens. Focus is trapped inside while open and returns to
 * the trigger on close; Escape cancels. A destructive confirmation opens with focus on the way back,
 * so a stray Enter does nothing harmful.
 */
export function ConfirmDialog(props: {
  triggerLabel: string;
  /** read after the label by screen readers only, to tell one row's button from the next ("web-01") */
  triggerDetail?: string;
  triggerClass?: string;
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  confirmClass?: string;
  cancelLabel?: string;
  /** the action cannot be undone: focus starts on the cancel button */
  destructive?: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  pending: boolean;
  error: string | null;
}) {
  let back: HTMLButtonElement | undefined;
  const cancelLabel = () => props.cancelLabel ?? "Keep it";
  return (
    <AlertDialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <AlertDialog.Trigger class={props.triggerClass ?? "button"}>
        {props.triggerLabel}
        <Show when={props.triggerDetail}>
          <span class="visually-hidden"> {props.triggerDetail}</span>
        </Show>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <AlertDialog.Content
            class="dialog"
            onOpenAutoFocus={(event) => {
              if (!props.destructive) return;
              event.preventDefault();
              back?.focus();
            }}
          >
            <AlertDialog.Title as="h2">{props.title}</AlertDialog.Title>
            <AlertDialog.Description as="div">{props.children}</AlertDialog.Description>
            <DialogFooter
              error={props.error}
              pending={props.pending}
              actionType="button"
              actionClass={props.confirmClass ?? "button button--primary"}
              actionLabel={props.confirmLabel}
              pendingLabel="Working…"
              onAction={() => props.onConfirm()}
              close={
                // Kobalte names a close button "Dismiss" unless told: its name must be what it says
                <AlertDialog.CloseButton ref={back} class="button" aria-label={cancelLabel()}>
                  {cancelLabel()}
                </AlertDialog.CloseButton>
              }
            />
          </AlertDialog.Content>
        </div>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
