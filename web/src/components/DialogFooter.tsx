import { type JSX, Show } from "solid-js";

/** The end of a confirmation dialog: what went wrong (if anything), the action, and the way back. */
export function DialogFooter(props: {
  error: string | null;
  pending: boolean;
  actionClass: string;
  actionLabel: string;
  pendingLabel: string;
  /** "submit" inside a form; otherwise `onAction` runs on click */
  actionType: "button" | "submit";
  onAction?: () => void;
  /** the dialog library's close button, labelled */
  close: JSX.Element;
}) {
  return (
    <>
      <Show when={props.error}>
        {(error) => (
          <p class="notice notice--danger" role="alert">
            {error()}
          </p>
        )}
      </Show>
      <div class="form-actions">
        <button
          type={props.actionType}
          class={props.actionClass}
          onClick={() => props.onAction?.()}
          disabled={props.pending}
          aria-busy={props.pending}
        >
          {props.pending ? props.pendingLabel : props.actionLabel}
        </button>
        {props.close}
      </div>
    </>
  );
}
