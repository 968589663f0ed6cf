import { REJECT_REASON_MAX, REJECT_REASON_MIN } from "@gantry/shared/domain/request-text";
import { createSignal } from "solid-js";
import { ActionDialog } from "../vm-detail/ActionDialog.tsx";

/**
 * Rejecting a change an owner asked for on a VM (a resize, a lease extension), with the reason the owner
 * will read: 10–500 characters, checked before the dialog lets you confirm.
 */
export function RejectChangeDialog(props: {
  /** unique on the page: the approval's id */
  approvalId: string;
  /** "resize", "extension": in the ids and the words */
  what: string;
  vmName: string;
  onReject: (reason: string) => Promise<unknown>;
}) {
  const [reason, setReason] = createSignal("");
  const length = () => reason().trim().length;
  const fieldId = () => `${props.what}-reason-${props.approvalId}`;
  return (
    <ActionDialog
      id={`reject-${props.what}-${props.approvalId}`}
      triggerLabel="Reject…"
      triggerClass="button button--small"
      disabled={false}
      disabledReason={null}
      title={`Reject the ${props.what} of ${props.vmName}?`}
      confirmLabel="Reject"
      confirmClass="button button--danger"
      canConfirm={length() >= REJECT_REASON_MIN && length() <= REJECT_REASON_MAX}
      onOpen={() => setReason("")}
      confirmed={() => `Rejected the ${props.what} of ${props.vmName}. The owner sees your reason.`}
      onConfirm={() => props.onReject(reason().trim())}
    >
      <div class="field">
        <label for={fieldId()}>
          Reason ({REJECT_REASON_MIN}–{REJECT_REASON_MAX} characters, shown to the owner)
        </label>
        <textarea
          id={fieldId()}
          class="textarea"
          maxLength={REJECT_REASON_MAX}
          value={reason()}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </div>
    </ActionDialog>
  );
}
