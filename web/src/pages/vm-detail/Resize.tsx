import type { SizeOption } from "@gantry/shared/api/catalog";
import type { VmDetail } from "@gantry/shared/api/vms";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { ApprovalProgress } from "../../components/ApprovalProgress.tsx";
import { SizeCards } from "../../components/SizeCards.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { formatDateTime } from "../../lib/format.ts";
import { getSizes, resizeVmAction, withdrawResizeAction } from "../../lib/queries.ts";
import { availabilityOf, resizePlan, specText } from "../../lib/vm-view.ts";
import { ActionDialog } from "./ActionDialog.tsx";

/**
 * Resize to another size of the catalogue: CPU and RAM change, the disk only grows (a smaller one keeps
 * the VM's disk, said up front); a resize up waits for an admin and shows as pending; a running VM that
 * cannot take the change hot is power-cycled only with the user's consent.
 */
export function Resize(props: { detail: VmDetail }) {
  const sizes = createAsync(() => getSizes());
  const resize = useAction(resizeVmAction);
  const withdraw = useAction(withdrawResizeAction);
  const [target, setTarget] = createSignal<VmSize>(props.detail.vm.size);
  const [consent, setConsent] = createSignal(false);
  const [withdrawError, setWithdrawError] = createSignal<string | null>(null);
  const can = () => availabilityOf(props.detail.actions, "resize");
  const option = (): SizeOption | undefined => sizes()?.find((s) => s.size === target());
  const plan = () => {
    const to = option();
    return to ? resizePlan(props.detail.vm.spec, to) : null;
  };
  const running = () => props.detail.vm.powerState === "poweredOn";

  return (
    <section class="card" aria-labelledby="vm-resize-title">
      <h2 id="vm-resize-title">Size</h2>
      <p>
        Now <strong>{props.detail.vm.size}</strong>: {specText(props.detail.vm.spec)}.
      </p>
      <Show when={props.detail.pendingResize}>
        {(pending) => (
          <div class="notice notice--info" data-testid="pending-resize">
            <p>
              Resize to <strong>{pending().to.size}</strong> ({specText(pending().to.spec)}) waits for an
              admin's approval, asked by {pending().requestedBy.name ?? "someone"} on{" "}
              {formatDateTime(pending().requestedAt)}.
            </p>
            <ApprovalProgress approvals={pending().approvals} pending={true} />
            <button
              type="button"
              class="button button--small"
              onClick={async () => {
                setWithdrawError(null);
                try {
                  await withdraw({ vmId: props.detail.vm.vmId, approvalId: pending().approvalId });
                } catch (e) {
                  setWithdrawError(plainMessage(e));
                }
              }}
            >
              Withdraw the resize
            </button>
            <Show when={withdrawError()}>{(error) => <p role="alert">{error()}</p>}</Show>
          </div>
        )}
      </Show>
      <ActionDialog
        id="resize"
        triggerLabel="Resize…"
        disabled={!can().available}
        disabledReason={can().reason}
        title={`Resize ${props.detail.vm.name}`}
        confirmLabel={plan()?.up ? "Ask for approval" : "Resize"}
        canConfirm={target() !== props.detail.vm.size && plan() !== null}
        onOpen={() => {
          setTarget(props.detail.vm.size);
          setConsent(false);
        }}
        confirmed={() =>
          plan()?.up
            ? `Asked to resize ${props.detail.vm.name} to ${target()}: an admin decides on it next.`
            : `Resizing ${props.detail.vm.name} to ${target()}.`
        }
        onConfirm={(idempotencyKey) =>
          resize({
            vmId: props.detail.vm.vmId,
            idempotencyKey,
            size: target(),
            powerCycle: consent(),
            keepDisk: plan()?.keepsDisk ?? false,
          })
        }
      >
        <fieldset class="field">
          <legend>New size</legend>
          <Show when={sizes()}>
            {(list) => <SizeCards name="resize-size" sizes={list()} value={target()} onChange={setTarget} />}
          </Show>
        </fieldset>
        <Show when={plan()}>
          {(p) => (
            <div data-testid="resize-plan">
              <Show when={p().keepsDisk}>
                <p>Disks never shrink: the VM keeps its {props.detail.vm.spec.diskGb} GB disk.</p>
              </Show>
              <Show when={p().up && target() !== props.detail.vm.size}>
                <p class="notice notice--info">
                  A bigger size needs an admin's approval; it shows as pending until then.
                </p>
              </Show>
            </div>
          )}
        </Show>
        <Show when={running()}>
          <div class="field">
            <label>
              <input
                type="checkbox"
                checked={consent()}
                onChange={(e) => setConsent(e.currentTarget.checked)}
              />{" "}
              Power-cycle the VM if it cannot take the change while running
            </label>
            <p class="field__hint">
              Without this, a change the running VM cannot take is refused and nothing is touched.
            </p>
          </div>
        </Show>
      </ActionDialog>
    </section>
  );
}
