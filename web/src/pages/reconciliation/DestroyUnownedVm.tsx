import type { UnownedVmRow } from "@gantry/shared/api/reconciliation";
import { useAction } from "@solidjs/router";
import { createSignal } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { destroyUnownedVmAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * "Destroy…" on an unowned VM's row: the admin types the VM's name (the edge checks it again); focus opens
 * on "Keep it". The site's agent destroys it only while it still carries the marker this scan saw.
 */
export function DestroyUnownedVm(props: { siteId: string; vm: UnownedVmRow }) {
  const destroy = useAction(destroyUnownedVmAction);
  const [open, setOpen] = createSignal(false);
  const [typed, setTyped] = createSignal("");
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const fieldId = () => `destroy-name-${props.vm.vmwareId}`;
  const onConfirm = async () => {
    if (pending()) return;
    if (typed() !== props.vm.name) return setError(`Type ${props.vm.name} exactly to destroy it.`);
    setPending(true);
    setError(null);
    try {
      const { vmwareId, markerRequestId, name } = props.vm;
      await destroy({ siteId: props.siteId, vmwareId, markerRequestId, confirmName: typed() });
      setOpen(false);
      toast(`Destroying ${name}. It leaves this list once the agent has destroyed it.`, "info");
    } catch (e) {
      setError(plainMessage(e));
    } finally {
      setPending(false);
    }
  };
  return (
    <ConfirmDialog
      triggerLabel="Destroy…"
      triggerDetail={props.vm.name}
      triggerClass="button button--small button--danger"
      title={`Destroy ${props.vm.name}?`}
      confirmLabel="Destroy for good"
      confirmClass="button button--danger"
      cancelLabel="Keep it"
      destructive
      open={open()}
      onOpenChange={(next) => {
        if (next) {
          setTyped("");
          setError(null);
        }
        setOpen(next);
      }}
      onConfirm={() => void onConfirm()}
      pending={pending()}
      error={error()}
    >
      <p>
        The site's agent powers {props.vm.name} ({props.vm.vmwareId}) off and destroys it in vCenter with its
        disks, only if it still carries the marker <span class="mono">{props.vm.markerRequestId}</span>. This
        cannot be undone.
      </p>
      <div class="field">
        <label for={fieldId()}>
          Type <span class="mono">{props.vm.name}</span> to confirm
        </label>
        <input
          id={fieldId()}
          class="input"
          autocomplete="off"
          spellcheck={false}
          value={typed()}
          onInput={(e) => setTyped(e.currentTarget.value)}
        />
      </div>
    </ConfirmDialog>
  );
}
