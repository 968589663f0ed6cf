import type { VmDetail } from "@gantry/shared/api/vms";
import { useAction } from "@solidjs/router";
import { createSignal } from "solid-js";
import { deleteVmAction } from "../../lib/queries.ts";
import { availabilityOf, deleteNameMatches } from "../../lib/vm-view.ts";
import { ActionDialog } from "./ActionDialog.tsx";
import { ReasonField } from "./PowerActions.tsx";

/**
 * Delete: power off, then destroy in vCenter. The user types the VM's name to confirm (the edge checks
 * it again); focus opens on "Keep it as it is". The VM then leaves the lists; its history stays.
 */
export function DeleteVm(props: { detail: VmDetail }) {
  const remove = useAction(deleteVmAction);
  const [typed, setTyped] = createSignal("");
  const [reason, setReason] = createSignal("");
  const can = () => availabilityOf(props.detail.actions, "delete");
  const vm = () => props.detail.vm;
  return (
    <section class="card" aria-labelledby="vm-delete-title">
      <h2 id="vm-delete-title">Delete</h2>
      <p>
        Powers the VM off and destroys it in vCenter, with its disks and snapshots. This cannot be undone.
      </p>
      <ActionDialog
        id="delete-vm"
        triggerLabel="Delete VM…"
        triggerClass="button button--danger"
        disabled={!can().available}
        disabledReason={can().reason}
        title={`Delete ${vm().name}?`}
        confirmLabel="Delete for good"
        confirmClass="button button--danger"
        canConfirm={deleteNameMatches(vm(), typed())}
        onOpen={() => {
          setTyped("");
          setReason("");
        }}
        confirmed={() => `Deleting ${vm().name}. Its history stays here.`}
        onConfirm={(idempotencyKey) =>
          remove({ vmId: vm().vmId, idempotencyKey, confirmName: typed(), reason: reason() })
        }
      >
        <p>
          The VM is powered off and destroyed in vCenter with its disks and snapshots. Its history stays in
          Gantry.
        </p>
        <div class="field">
          <label for="delete-confirm-name">
            Type <span class="mono">{vm().name}</span> to confirm
          </label>
          <input
            id="delete-confirm-name"
            class="input"
            autocomplete="off"
            spellcheck={false}
            value={typed()}
            onInput={(e) => setTyped(e.currentTarget.value)}
            aria-describedby="delete-confirm-hint"
          />
          <p class="field__hint" id="delete-confirm-hint" aria-live="polite">
            {typed() === "" || deleteNameMatches(vm(), typed()) ? " " : "That is not this VM's name."}
          </p>
        </div>
        <ReasonField id="delete-reason" value={reason()} onInput={setReason} />
      </ActionDialog>
    </section>
  );
}
