// namespace imports: Kobalte's `AlertDialog` and `Dialog` objects are the same mutated function, so
// `Dialog.Content` would turn into an alertdialog once both are loaded; the named parts stay distinct
import * as AlertDialog from "@kobalte/core/alert-dialog";
import type { JSX } from "solid-js";
import { DialogFooter } from "./DialogFooter.tsx";

/**
 * A trigger button and the confirmation it opens. Focus is trapped inside while open and returns to
 * the trigger on close; Escape cancels.
 */
export function ConfirmDialog(props: {
  triggerLabel: string;
  triggerClass?: string;
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  confirmClass?: string;
  cancelLabel?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  pending: boolean;
  error: string | null;
}) {
  return (
    <AlertDialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <AlertDialog.Trigger class={props.triggerClass ?? "button"}>{props.triggerLabel}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay class="dialog-overlay" />
        <div class="dialog-positioner">
          <AlertDialog.Content class="dialog">
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
                <AlertDialog.CloseButton class="button">
                  {props.cancelLabel ?? "Keep it"}
                </AlertDialog.CloseButton>
              }
            />
          </AlertDialog.Content>
        </div>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
