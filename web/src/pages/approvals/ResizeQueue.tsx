import type { PendingResize } from "@gantry/shared/api/approvals";
import { A, createAsync, useAction } from "@solidjs/router";
import { For, Show } from "solid-js";
import { ApprovalsBadge } from "../../components/ApprovalProgress.tsx";
import { formatDuration } from "../../lib/format.ts";
import { approveResizeAction, getPendingResizes, rejectResizeAction } from "../../lib/queries.ts";
import { specText } from "../../lib/vm-view.ts";
import { ActionDialog } from "../vm-detail/ActionDialog.tsx";
import { RejectChangeDialog } from "./RejectChangeDialog.tsx";

function ResizeDecision(props: { resize: PendingResize }) {
  const approve = useAction(approveResizeAction);
  const reject = useAction(rejectResizeAction);
  const target = () => ({ vmId: props.resize.vmId, approvalId: props.resize.approvalId });
  return (
    <div class="form-actions">
      <ActionDialog
        id={`approve-resize-${props.resize.approvalId}`}
        triggerLabel="Approve…"
        triggerClass="button button--small button--primary"
        disabled={false}
        disabledReason={null}
        title={`Resize ${props.resize.name} to ${props.resize.to.size}?`}
        confirmLabel="Approve and resize"
        confirmed={() => `Approved: ${props.resize.name} is resized to ${props.resize.to.size} now.`}
        onConfirm={() => approve(target())}
      >
        <p>
          From {specText(props.resize.from.spec)} to {specText(props.resize.to.spec)}.
          <Show when={props.resize.powerCycle}> The owner agreed to a power cycle.</Show>
        </p>
      </ActionDialog>
      <RejectChangeDialog
        approvalId={props.resize.approvalId}
        what="resize"
        vmName={props.resize.name}
        onReject={(reason) => reject({ ...target(), reason })}
      />
    </div>
  );
}

/** Resizes up waiting for an admin, oldest first, decided in place; nothing shown while none wait. */
export function ResizeQueue(props: { projectId: string | null }) {
  const resizes = createAsync(() =>
    getPendingResizes({ page: 1, pageSize: 25, ...(props.projectId ? { projectId: props.projectId } : {}) }),
  );
  return (
    <Show when={resizes()?.total}>
      <section class="card" aria-labelledby="resize-queue-title">
        <h2 id="resize-queue-title">Resizes waiting ({resizes()?.total})</h2>
        <div class="table-frame">
          <table class="data-table">
            <caption class="visually-hidden">Resizes waiting for approval, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">VM</th>
                <th scope="col">Owner</th>
                <th scope="col">From → to</th>
                <th scope="col">Waiting</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              <For each={resizes()?.items}>
                {(resize) => (
                  <tr data-resize-vm={resize.vmId}>
                    <td data-label="VM">
                      <A href={`/vms/${resize.vmId}`} class="mono">
                        {resize.name}
                      </A>
                    </td>
                    <td data-label="Owner">{resize.owner.name}</td>
                    <td data-label="From → to">
                      {resize.from.size} → {resize.to.size}
                      <Show when={resize.reason}>{(why) => <div class="muted">{why()}</div>}</Show>
                    </td>
                    <td data-label="Waiting" class="tabular">
                      {formatDuration(resize.waitingMs / 1000)}
                      <ApprovalsBadge approvals={resize.approvals} />
                    </td>
                    <td data-label="Decision">
                      <ResizeDecision resize={resize} />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </section>
    </Show>
  );
}
