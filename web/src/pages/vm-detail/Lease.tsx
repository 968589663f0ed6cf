import type { VmDetail } from "@gantry/shared/api/vms";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { ApprovalProgress } from "../../components/ApprovalProgress.tsx";
import { LeaseExpiry } from "../../components/LeaseExpiry.tsx";
import { asSentence, plainMessage } from "../../lib/api-errors.ts";
import { formatDateTime, formatDuration } from "../../lib/format.ts";
import { newIdempotencyKey } from "../../lib/idempotency-key.ts";
import { leaseNotice } from "../../lib/lease-view.ts";
import {
  extendLeaseAction,
  getSession,
  rescueLeaseAction,
  withdrawExtensionAction,
} from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";
import { ActionDialog } from "./ActionDialog.tsx";

const RESCUE_SECONDS = 7 * 86_400;

/**
 * The VM's lease: when it ends, one click to extend it by what the policy allows at once (past the
 * policy the same click asks an admin, in the approvals queue), an extension waiting, and for admins the
 * rescue of a VM in its grace period.
 */
export function Lease(props: { detail: VmDetail }) {
  const session = createAsync(() => getSession());
  const extend = useAction(extendLeaseAction);
  const withdraw = useAction(withdrawExtensionAction);
  const rescue = useAction(rescueLeaseAction);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const vm = () => props.detail.vm;
  const terms = () => props.detail.leaseTerms;
  const phase = () => vm().lease?.phase;
  const canExtend = () => phase() === "active" || phase() === "expired";
  // one extension of the policy's maximum, unless the total life leaves less; past it, an approval
  const step = () => {
    const t = terms();
    const expiresAt = vm().expiresAt;
    if (!t || !expiresAt) return 0;
    const base = Math.max(Date.parse(expiresAt), Date.now());
    const left = Math.floor((Date.parse(t.startedAt) + t.maxTotalSeconds * 1000 - base) / 1000);
    return left > 0 ? Math.min(t.maxExtensionSeconds, left) : t.maxExtensionSeconds;
  };
  const beyondPolicy = () => {
    const t = terms();
    const expiresAt = vm().expiresAt;
    if (!t || !expiresAt) return false;
    const base = Math.max(Date.parse(expiresAt), Date.now());
    return base + step() * 1000 > Date.parse(t.startedAt) + t.maxTotalSeconds * 1000;
  };
  const run = async (work: () => Promise<string>) => {
    setPending(true);
    setError(null);
    try {
      toast(await work());
    } catch (e) {
      setError(asSentence(plainMessage(e)));
    } finally {
      setPending(false);
    }
  };
  const onExtend = () =>
    run(async () => {
      const accepted = await extend({
        vmId: vm().vmId,
        idempotencyKey: newIdempotencyKey(),
        seconds: step(),
      });
      return accepted.outcome === "extended"
        ? `Lease of ${vm().name} extended by ${formatDuration(step())}.`
        : `The extension of ${vm().name} is past its policy: an admin decides on it now.`;
    });
  return (
    <Show when={vm().lease}>
      {(lease) => (
        <section class="card" aria-labelledby="vm-lease-title" data-testid="vm-lease">
          <h2 id="vm-lease-title">Lease</h2>
          <p>
            Expires <LeaseExpiry vm={vm()} />
          </p>
          <Show when={leaseNotice(lease())}>
            {(notice) => (
              <p class="notice notice--warning" data-testid="lease-notice">
                {notice()}
                <Show when={lease().destroyAt}>{(at) => <> (at {formatDateTime(at())})</>}</Show>.
              </p>
            )}
          </Show>
          <Show
            when={lease().pendingExtension}
            fallback={
              <Show when={canExtend()}>
                <div class="form-actions">
                  <button
                    type="button"
                    class="button button--primary"
                    data-testid="lease-extend"
                    disabled={pending()}
                    onClick={onExtend}
                  >
                    {beyondPolicy() ? "Ask to extend" : "Extend"} by {formatDuration(step())}
                  </button>
                </div>
                <Show when={beyondPolicy()}>
                  <p class="field__hint">Past the policy's total life: an admin approves it.</p>
                </Show>
              </Show>
            }
          >
            {(waiting) => (
              <div class="form-actions">
                <p data-testid="lease-pending">
                  An extension to {formatDateTime(waiting().expiresAt)} waits for an admin's approval.
                </p>
                <ApprovalProgress approvals={props.detail.pendingExtensionApprovals} pending={true} />
                <button
                  type="button"
                  class="button"
                  disabled={pending()}
                  onClick={() =>
                    run(async () => {
                      await withdraw({ vmId: vm().vmId, approvalId: waiting().approvalId });
                      return "Extension request withdrawn.";
                    })
                  }
                >
                  Withdraw
                </button>
              </div>
            )}
          </Show>
          <Show when={error()}>
            {(text) => (
              <p class="notice notice--danger" role="alert" data-testid="lease-error">
                {text()}
              </p>
            )}
          </Show>
          <Show when={session()?.role === "admin" && (phase() === "grace" || phase() === "expired")}>
            <div class="form-actions">
              <ActionDialog
                id="lease-rescue-extend"
                triggerLabel={`Rescue: extend ${formatDuration(RESCUE_SECONDS)}…`}
                disabled={false}
                disabledReason={null}
                title={`Rescue ${vm().name}?`}
                confirmLabel="Extend its lease"
                confirmed={() =>
                  `${vm().name} is rescued: its lease runs ${formatDuration(RESCUE_SECONDS)} from now.`
                }
                onConfirm={(idempotencyKey) =>
                  rescue({ mode: "extend", vmId: vm().vmId, idempotencyKey, seconds: RESCUE_SECONDS })
                }
              >
                <p>Its lease runs {formatDuration(RESCUE_SECONDS)} from now; its owner powers it on again.</p>
              </ActionDialog>
              <ActionDialog
                id="lease-rescue-exempt"
                triggerLabel="Exempt from lease…"
                disabled={false}
                disabledReason={null}
                title={`Take ${vm().name} out of lease enforcement?`}
                confirmLabel="Exempt it"
                confirmed={() =>
                  `${vm().name} is exempt from its lease: it is never powered off or deleted by it.`
                }
                onConfirm={(idempotencyKey) => rescue({ mode: "exempt", vmId: vm().vmId, idempotencyKey })}
              >
                <p>It is never powered off or deleted by its lease again.</p>
              </ActionDialog>
            </div>
          </Show>
        </section>
      )}
    </Show>
  );
}
