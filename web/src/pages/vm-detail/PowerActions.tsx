import type { VmDetail } from "@gantry/shared/api/vms";
import {
  GUEST_TIMEOUT_MAX_S,
  GUEST_TIMEOUT_MIN_S,
  type VmActionKind,
} from "@gantry/shared/domain/vm-actions";
import { useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { asSentence, plainMessage } from "../../lib/api-errors.ts";
import { newIdempotencyKey } from "../../lib/idempotency-key.ts";
import { powerOffAction, powerOnAction, restartVmAction, shutdownGuestAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";
import { availabilityOf } from "../../lib/vm-view.ts";
import { ActionDialog } from "./ActionDialog.tsx";

const clampTimeout = (raw: string, fallback: number): number => {
  const n = Math.round(Number(raw));
  return Number.isFinite(n) ? Math.min(GUEST_TIMEOUT_MAX_S, Math.max(GUEST_TIMEOUT_MIN_S, n)) : fallback;
};

/** The optional "why", kept in the audit trail. */
export function ReasonField(props: { id: string; value: string; onInput: (value: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>Why (optional, kept in the history)</label>
      <input
        id={props.id}
        class="input"
        maxLength={500}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}

/** How long the guest gets before Gantry falls back; the user is told what happens then. */
function GuestTimeoutField(props: { id: string; value: string; onInput: (v: string) => void; then: string }) {
  return (
    <div class="field">
      <label for={props.id}>Seconds to wait for the guest</label>
      <input
        id={props.id}
        class="input"
        type="number"
        inputMode="numeric"
        min={GUEST_TIMEOUT_MIN_S}
        max={GUEST_TIMEOUT_MAX_S}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-describedby={`${props.id}-hint`}
      />
      <p class="field__hint" id={`${props.id}-hint`}>
        {props.then}
      </p>
    </div>
  );
}

/** Power on, power off, shut down, restart: each disabled with the edge's reason when it cannot run now. */
export function PowerActions(props: { detail: VmDetail }) {
  const powerOn = useAction(powerOnAction);
  const powerOff = useAction(powerOffAction);
  const shutdown = useAction(shutdownGuestAction);
  const restart = useAction(restartVmAction);
  const vmId = () => props.detail.vm.vmId;
  const name = () => props.detail.vm.name;
  const can = (kind: VmActionKind) => availabilityOf(props.detail.actions, kind);
  const [reason, setReason] = createSignal("");
  const [timeout, setTimeout] = createSignal("");
  const [starting, setStarting] = createSignal(false);
  const [startError, setStartError] = createSignal<string | null>(null);
  const reset = () => {
    setReason("");
    setTimeout(String(props.detail.guestTimeoutSeconds));
  };
  const seconds = () => clampTimeout(timeout(), props.detail.guestTimeoutSeconds);

  const start = async () => {
    setStarting(true);
    setStartError(null);
    try {
      await powerOn({ vmId: vmId(), idempotencyKey: newIdempotencyKey() });
      toast(`Powering on ${name()}.`);
    } catch (e) {
      setStartError(plainMessage(e));
    } finally {
      setStarting(false);
    }
  };

  return (
    <section class="card" aria-labelledby="vm-power-title">
      <h2 id="vm-power-title">Power</h2>
      <div class="vm-actions">
        <span class="vm-action">
          <button
            type="button"
            class="button button--primary"
            disabled={!can("power-on").available || starting()}
            aria-describedby={
              !can("power-on").available && can("power-on").reason ? "power-on-why" : undefined
            }
            onClick={() => void start()}
          >
            {starting() ? "Asking…" : "Power on"}
          </button>
          <Show when={!can("power-on").available && can("power-on").reason}>
            {(why) => (
              <span class="muted vm-action__why" id="power-on-why">
                {asSentence(why())}
              </span>
            )}
          </Show>
        </span>
        <ActionDialog
          id="shutdown"
          triggerLabel="Shut down"
          disabled={!can("shutdown-guest").available}
          disabledReason={can("shutdown-guest").reason}
          title="Shut down the guest?"
          confirmLabel="Shut down"
          onOpen={reset}
          confirmed={() => `Shutting down ${name()}: progress shows at the top of the page.`}
          onConfirm={(idempotencyKey) =>
            shutdown({ vmId: vmId(), idempotencyKey, reason: reason(), timeoutSeconds: seconds() })
          }
        >
          <p>The guest operating system is asked to shut down cleanly through VMware Tools.</p>
          <GuestTimeoutField
            id="shutdown-timeout"
            value={timeout()}
            onInput={setTimeout}
            then={`If it has not stopped after ${seconds()} s, Gantry powers it off.`}
          />
          <ReasonField id="shutdown-reason" value={reason()} onInput={setReason} />
        </ActionDialog>
        <ActionDialog
          id="restart"
          triggerLabel="Restart"
          disabled={!can("restart").available}
          disabledReason={can("restart").reason}
          title="Restart the guest?"
          confirmLabel="Restart"
          onOpen={reset}
          confirmed={() => `Restarting ${name()}: progress shows at the top of the page.`}
          onConfirm={(idempotencyKey) =>
            restart({ vmId: vmId(), idempotencyKey, reason: reason(), timeoutSeconds: seconds() })
          }
        >
          <p>The guest operating system is asked to reboot through VMware Tools.</p>
          <GuestTimeoutField
            id="restart-timeout"
            value={timeout()}
            onInput={setTimeout}
            then={`If it has not begun restarting after ${seconds()} s, Gantry resets the VM.`}
          />
          <ReasonField id="restart-reason" value={reason()} onInput={setReason} />
        </ActionDialog>
        <ActionDialog
          id="power-off"
          triggerLabel="Power off"
          disabled={!can("power-off").available}
          disabledReason={can("power-off").reason}
          title="Power off now?"
          confirmLabel="Power off"
          confirmClass="button button--danger"
          onOpen={reset}
          confirmed={() => `Powering off ${name()}.`}
          onConfirm={(idempotencyKey) => powerOff({ vmId: vmId(), idempotencyKey, reason: reason() })}
        >
          <p>Like pulling the plug: unsaved work in the guest is lost. Shut down is the gentle way.</p>
          <ReasonField id="power-off-reason" value={reason()} onInput={setReason} />
        </ActionDialog>
      </div>
      <Show when={startError()}>
        {(error) => (
          <p class="notice notice--danger" role="alert">
            {error()}
          </p>
        )}
      </Show>
    </section>
  );
}
