import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import { Show } from "solid-js";
import { RequestAgainLink } from "../../components/RequestAgainLink.tsx";

/**
 * Why a request that never ran ended: rejected (with the admin's reason) or cancelled. The requester
 * can ask again with the form filled in from this request.
 */
export function ClosedNotice(props: {
  requestId: string;
  status: VmRequestStatus;
  reason: string;
  isRequester: boolean;
}) {
  return (
    <>
      <Show when={props.status === "REJECTED"}>
        <div class="notice notice--danger" data-testid="rejected">
          <p>
            <strong>This request was rejected.</strong> {props.reason}
          </p>
          <Show when={props.isRequester}>
            <p>
              Change what the reason asks for and send it again: the form starts filled in from this request.
            </p>
            <RequestAgainLink requestId={props.requestId} />
          </Show>
        </div>
      </Show>
      <Show when={props.status === "CANCELLED"}>
        <div class="notice" data-testid="cancelled">
          <p>This request was cancelled. Nothing was built.</p>
          <Show when={props.isRequester}>
            <RequestAgainLink requestId={props.requestId} />
          </Show>
        </div>
      </Show>
    </>
  );
}
