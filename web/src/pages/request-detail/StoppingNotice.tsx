import { Show } from "solid-js";

/** A stop was asked for and the run has not ended yet; an admin may send the stop again. */
export function StoppingNotice(props: {
  isAdmin: boolean;
  resending: boolean;
  error: string | null;
  onResend: () => void;
}) {
  return (
    <div class="notice notice--warning" role="status" data-testid="stopping">
      <p>Stopping: the agent is removing what it built so far.</p>
      <Show when={props.isAdmin}>
        <p>
          Nothing changing? Sending the stop again is safe.{" "}
          <button
            type="button"
            class="button button--small"
            disabled={props.resending}
            onClick={() => props.onResend()}
          >
            {props.resending ? "Sending…" : "Send the stop again"}
          </button>
        </p>
      </Show>
      <Show when={props.error}>{(message) => <p role="alert">{message()}</p>}</Show>
    </div>
  );
}
