import type { PendingLeaseExtension } from "@gantry/shared/api/leases";
import { A, createAsync, useAction } from "@solidjs/router";
import { For, Show } from "solid-js";
import { ApprovalsBadge } from "../../components/ApprovalProgress.tsx";
import { formatDateTime, formatDuration } from "../../lib/format.ts";
import { approveExtensionAction, getPendingExtensions, rejectExtensionAction } from "../../lib/queries.ts";
import { ActionDialog } from "../vm-detail/ActionDialog.tsx";
import { RejectChangeDialog } from "./RejectChangeDialog.tsx";

function ExtensionDecision(props: { extension: PendingLeaseExtension }) {
  const approve = useAction(approveExtensionAction);
  const reject = useAction(rejectExtensionAction);
  const target = () => ({ vmId: props.extension.vmId, approvalId: props.extension.approvalId });
  const to = () => formatDateTime(props.extension.requestedExpiresAt);
  return (
    <div class="form-actions">
      <ActionDialog
        id={`approve-extension-${props.extension.approvalId}`}
        triggerLabel="Approve…"
        triggerClass="button button--small button--primary"
        disabled={false}
        disabledReason={null}
        title={`Extend the lease of ${props.extension.name} to ${to()}?`}
        confirmLabel="Approve the extension"
        confirmed={() => `Approved: ${props.extension.name} now runs until ${to()}.`}
        onConfirm={() => approve(target())}
      >
        <p>This is past the project's lease policy; the owner asked for it.</p>
      </ActionDialog>
      <RejectChangeDialog
        approvalId={props.extension.approvalId}
        what="extension"
        vmName={props.extension.name}
        onReject={(reason) => reject({ ...target(), reason })}
      />
    </div>
  );
}

/** Lease extensions past the policy waiting for an admin, oldest first; nothing shown while none wait. */
export function ExtensionQueue() {
  const extensions = createAsync(() => getPendingExtensions({ page: 1, pageSize: 25 }));
  return (
    <Show when={extensions()?.total}>
      <section class="card" aria-labelledby="extension-queue-title" data-testid="extension-queue">
        <h2 id="extension-queue-title">Lease extensions waiting ({extensions()?.total})</h2>
        <div class="table-frame">
          <table class="data-table">
            <caption class="visually-hidden">Lease extensions waiting for approval, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">VM</th>
                <th scope="col">Owner</th>
                <th scope="col">Expires → asked for</th>
                <th scope="col">Waiting</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              <For each={extensions()?.items}>
                {(extension) => (
                  <tr data-extension-vm={extension.vmId}>
                    <td data-label="VM">
                      <A href={`/vms/${extension.vmId}`} class="mono">
                        {extension.name}
                      </A>
                    </td>
                    <td data-label="Owner">{extension.owner.name}</td>
                    <td data-label="Expires → asked for" class="tabular">
                      {extension.expiresAt ? formatDateTime(extension.expiresAt) : "—"} →{" "}
                      {formatDateTime(extension.requestedExpiresAt)}
                      <Show when={extension.reason}>{(why) => <div class="muted">{why()}</div>}</Show>
                    </td>
                    <td data-label="Waiting" class="tabular">
                      {formatDuration(extension.waitingMs / 1000)}
                      <ApprovalsBadge approvals={extension.approvals} />
                    </td>
                    <td data-label="Decision">
                      <ExtensionDecision extension={extension} />
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
