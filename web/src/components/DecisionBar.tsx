import { ConfirmDialog } from "./ConfirmDialog.tsx";
import { RejectDialog } from "./RejectDialog.tsx";

export interface DialogState {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  pending: boolean;
  error: string | null;
}

/** Approve (after a confirmation) or reject (with a reason) a pending request. */
export function DecisionBar(props: {
  vmName: string;
  /** in a list of requests: each button's name also says which request it decides */
  inList?: boolean;
  approve: DialogState & { onApprove: () => void };
  reject: DialogState & { onReject: (reason: string) => void; reasonError: string | null };
}) {
  return (
    <div class="form-actions">
      <ConfirmDialog
        triggerLabel="Approve…"
        triggerDetail={props.inList ? props.vmName : undefined}
        triggerClass="button button--primary"
        title="Approve this request?"
        confirmLabel="Approve and provision"
        cancelLabel="Back"
        open={props.approve.open}
        onOpenChange={props.approve.onOpenChange}
        onConfirm={props.approve.onApprove}
        pending={props.approve.pending}
        error={props.approve.error}
      >
        <p>
          The agent starts building <span class="mono">{props.vmName}</span> in vCenter right away.
        </p>
      </ConfirmDialog>
      <RejectDialog
        triggerDetail={props.inList ? props.vmName : undefined}
        open={props.reject.open}
        onOpenChange={props.reject.onOpenChange}
        onReject={props.reject.onReject}
        pending={props.reject.pending}
        error={props.reject.error}
        reasonError={props.reject.reasonError}
      />
    </div>
  );
}
