import { Show } from "solid-js";
import { errorCode, plainMessage } from "../lib/api-errors.ts";

// trying again cannot change these answers
const FINAL = new Set(["FORBIDDEN", "NOT_FOUND", "UNAUTHORIZED", "BAD_REQUEST"]);

/** A failed load or action, told plainly, with a retry when one makes sense. */
export function ErrorNotice(props: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div class="notice notice--danger" role="alert">
      <Show when={props.title}>
        <p>
          <strong>{props.title}</strong>
        </p>
      </Show>
      <p>{plainMessage(props.error)}</p>
      <Show when={!FINAL.has(errorCode(props.error) ?? "") && props.onRetry}>
        {(retry) => (
          <button type="button" class="button button--small" onClick={() => retry()()}>
            Try again
          </button>
        )}
      </Show>
    </div>
  );
}
