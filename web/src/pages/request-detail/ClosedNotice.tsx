import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import { A } from "@solidjs/router";
import { Show } from "solid-js";

/** Why a request that never ran ended: rejected (with the admin's reason) or cancelled. */
export function ClosedNotice(props: { status: VmRequestStatus; reason: string }) {
  return (
    <>
      <Show when={props.status === "REJECTED"}>
        <div class="notice notice--danger" data-testid="rejected">
          <p>
            <strong>This request was rejected.</strong> {props.reason}
          </p>
          <A href="/requests/new" class="button button--small">
            Start a new request
          </A>
        </div>
      </Show>
      <Show when={props.status === "CANCELLED"}>
        <p class="notice" data-testid="cancelled">
          This request was cancelled. Nothing was built.
        </p>
      </Show>
    </>
  );
}
