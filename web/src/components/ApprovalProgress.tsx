import type { ApprovalProgressView } from "@gantry/shared/api/approval-policies";
import { Show } from "solid-js";

/** What the approval policy asks of a request: "1 of 2 approvals", or why it was approved at once. */
export function ApprovalProgress(props: {
  approvals: ApprovalProgressView | null | undefined;
  pending: boolean;
}) {
  return (
    <Show when={props.approvals}>
      {(a) => (
        <p class="muted" data-testid="approval-progress">
          <Show when={a().required > 1 && props.pending}>
            <strong>
              {a().given} of {a().required} approvals.
            </strong>{" "}
          </Show>
          Approval policy: {a().explanation}.
        </p>
      )}
    </Show>
  );
}

/** The queues' badge for an item the approval policy wants two people for: "1 of 2 approvals". */
export function ApprovalsBadge(props: { approvals: ApprovalProgressView | null | undefined }) {
  return (
    <Show when={props.approvals && props.approvals.required > 1 ? props.approvals : null}>
      {(a) => (
        <>
          {" "}
          <span class="badge" data-testid="approvals-badge">
            {a().given} of {a().required} approvals
          </span>
        </>
      )}
    </Show>
  );
}
