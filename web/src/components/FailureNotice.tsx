import { Show } from "solid-js";
import { RequestAgainLink } from "./RequestAgainLink.tsx";

/** A failed run told plainly: what happened, what Gantry did about it, and what to do next. */
export function FailureNotice(props: {
  /** set for the requester: "Request again" fills the form in from this request */
  requestAgain: string | null;
  message: string;
  retriable: boolean;
  cleanupFailed: boolean;
  technicalDetail: string | null;
}) {
  return (
    <div class="notice notice--danger" role="alert" data-testid="failure">
      <p>
        <strong>The VM could not be created.</strong> {props.message}
      </p>
      <p>
        <Show when={props.cleanupFailed} fallback="Nothing was left behind in vCenter.">
          Part of the VM was left in vCenter; your admin has been told and will remove it.
        </Show>{" "}
        <Show
          when={props.retriable}
          fallback="Submitting the same request again will not help until this is fixed."
        >
          This kind of problem is usually temporary: you can submit the request again in a few minutes.
        </Show>
      </p>
      <Show when={props.technicalDetail}>
        {(detail) => (
          <details>
            <summary>Technical detail for admins</summary>
            <pre class="mono">{detail()}</pre>
          </details>
        )}
      </Show>
      <Show when={props.requestAgain}>{(requestId) => <RequestAgainLink requestId={requestId()} />}</Show>
    </div>
  );
}
