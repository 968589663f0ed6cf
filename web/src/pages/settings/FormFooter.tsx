import { Show } from "solid-js";

/**
 * The end of every settings form: the form's own error (announced), the submit button that says what it
 * does ("Saving…" while it does), and Cancel when the form edits something that exists (a form that
 * creates stays open below its list, so there is nothing to cancel).
 */
export function FormFooter(props: {
  error: string | null;
  pending: boolean;
  submit: string;
  onCancel: (() => void) | null;
}) {
  return (
    <>
      <div role="alert">
        <Show when={props.error}>{(message) => <p class="notice notice--danger">{message()}</p>}</Show>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary" disabled={props.pending}>
          {props.pending ? "Saving…" : props.submit}
        </button>
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="button" onClick={() => cancel()()}>
              Cancel
            </button>
          )}
        </Show>
      </div>
    </>
  );
}
