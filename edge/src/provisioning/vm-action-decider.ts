import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmActionKind } from "@gantry/shared/domain/vm-actions";
import type { VmSize, VmSpec } from "@gantry/shared/domain/vm-size";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmAction } from "@gantry/shared/events/vm-lifecycle";
import { err, ok, type Result } from "@gantry/shared/result";
import type { ManagedVm } from "./managed-vm.ts";

/** What someone asked to do to a VM, as validated at the API (the confirmation typed, not yet checked). */
export type ActionInput =
  | { kind: "power-on" }
  | { kind: "power-off" }
  | { kind: "shutdown-guest"; timeoutSeconds: number }
  | { kind: "restart"; timeoutSeconds: number }
  | { kind: "delete"; confirmName: string }
  | {
      kind: "resize";
      size: VmSize;
      /** what the size gives, resolved through the tenant's catalogue when the command was given */
      target: VmSpec;
      powerCycle: boolean;
      keepDisk: boolean;
      timeoutSeconds: number;
    }
  | { kind: "snapshot-create"; name: string; withMemory: boolean }
  | { kind: "snapshot-revert"; snapshotId: string }
  | { kind: "snapshot-delete"; snapshotId: string };

export interface RequestVmAction {
  type: "RequestVmAction";
  data: {
    vmId: string;
    /** derived from the command's idempotency key: a repeat finds its action by this id */
    actionId: string;
    jobId: string;
    reason: string | null;
    input: ActionInput;
    /** when the edge gives up on the job */
    deadline: string;
    snapshotCap: number;
  };
}

/** What the command comes to: an action for the site's agents, one that is done at once, or an approval. */
export type ActionDecision =
  | { kind: "queued"; events: VmEvent[] }
  | { kind: "done"; events: VmEvent[] }
  | { kind: "awaiting-approval"; events: VmEvent[] }
  /** the same key asked for this before: nothing new to write */
  | { kind: "repeat"; status: "queued" | "done" | "awaiting-approval" };

type Decision = Result<ActionDecision, DomainError>;

/** Refusals that depend on the VM's state only, not on a command's parameters. */
export type StateRefusal = Extract<
  DomainError,
  { code: "ACTION_NOT_APPLICABLE" | "VM_BUSY" | "RESIZE_PENDING" | "SNAPSHOT_CAP_REACHED" }
>;

const notApplicable = (vm: ManagedVm, kind: VmActionKind, why: string): Decision =>
  err({ code: "ACTION_NOT_APPLICABLE", vmId: vm.vmId, kind, why, status: vm.status });

/** The hardware a resize to a size gives a VM: the size's CPU and memory, and a disk that never shrinks. */
export const resizedSpec = (current: VmSpec, target: VmSpec): VmSpec => ({
  ...target,
  diskGb: Math.max(target.diskGb, current.diskGb),
});

/** Any of CPU, memory or disk grows: an admin must approve it, like a request. */
export const isResizeUp = (from: VmSpec, to: VmSpec): boolean =>
  to.cpu > from.cpu || to.memoryGb > from.memoryGb || to.diskGb > from.diskGb;

/** A repeat of the command that made `actionId`: fine for the same kind, a reused key otherwise. */
function repeatOf(vm: ManagedVm, command: RequestVmAction): Decision | null {
  const { actionId, input } = command.data;
  const known = vm.actions.get(actionId);
  if (!known) return null;
  if (known.kind !== input.kind) return err({ code: "IDEMPOTENCY_KEY_REUSED", requestId: vm.vmId });
  if (known.status === "awaiting-approval") return ok({ kind: "repeat", status: "awaiting-approval" });
  return ok({ kind: "repeat", status: known.status === "running" ? "queued" : "done" });
}

/**
 * Why the VM cannot take an action of this kind now, whatever its parameters: deleted, gone, another
 * action running, its power state, a resize waiting, the snapshot cap, no snapshot to act on. Null when
 * it can. The VM page's buttons and the command use this same rule.
 */
export function refusalFor(vm: ManagedVm, kind: VmActionKind, snapshotCap: number): StateRefusal | null {
  const why = (text: string): StateRefusal => ({
    code: "ACTION_NOT_APPLICABLE",
    vmId: vm.vmId,
    kind,
    why: text,
    status: vm.status,
  });
  if (vm.status === "DELETED") return why("the VM was deleted");
  if (vm.status === "GONE") return kind === "delete" ? null : why("the VM no longer exists in vCenter");
  if (vm.running) {
    const { running } = vm;
    return {
      code: "VM_BUSY",
      vmId: vm.vmId,
      running: running.action.kind,
      actionId: running.actionId,
      since: running.requestedAt,
    };
  }
  const power = vm.facts.powerState;
  switch (kind) {
    case "power-on":
      if (vm.lease?.phase === "grace" || vm.lease?.phase === "ended")
        return why("its lease has expired; an admin can rescue it");
      return power === "poweredOn" ? why("it is already running") : null;
    case "power-off":
      return power === "poweredOff" ? why("it is already powered off") : null;
    case "shutdown-guest":
    case "restart":
      if (power === "poweredOff") return why("it is powered off");
      return power === "suspended" ? why("it is suspended; power it on or off first") : null;
    case "resize":
      return vm.pendingResize
        ? { code: "RESIZE_PENDING", vmId: vm.vmId, approvalId: vm.pendingResize.approvalId }
        : null;
    case "snapshot-create":
      return vm.snapshots.length >= snapshotCap
        ? { code: "SNAPSHOT_CAP_REACHED", vmId: vm.vmId, cap: snapshotCap }
        : null;
    case "snapshot-revert":
    case "snapshot-delete":
      return vm.snapshots.length === 0 ? why("it has no snapshots") : null;
    case "delete":
      return null;
  }
}

/** What the command's parameters add to `refusalFor`: the typed name, the size, the snapshot named. */
function refusedInput(vm: ManagedVm, input: ActionInput): Decision | null {
  switch (input.kind) {
    case "delete": {
      const typed = input.confirmName.trim();
      return typed === vm.name || typed === vm.facts.name
        ? null
        : err({ code: "CONFIRMATION_MISMATCH", vmId: vm.vmId });
    }
    case "resize": {
      const { target } = input;
      if (target.diskGb < vm.spec.diskGb && !input.keepDisk)
        return err({
          code: "DISK_SHRINK_REFUSED",
          vmId: vm.vmId,
          fromGb: vm.spec.diskGb,
          toGb: target.diskGb,
        });
      const to = resizedSpec(vm.spec, input.target);
      const same = to.cpu === vm.spec.cpu && to.memoryGb === vm.spec.memoryGb && to.diskGb === vm.spec.diskGb;
      return same ? notApplicable(vm, "resize", `it already has the ${input.size} size`) : null;
    }
    case "snapshot-revert":
    case "snapshot-delete":
      return vm.snapshots.some((s) => s.snapshotId === input.snapshotId)
        ? null
        : err({ code: "SNAPSHOT_NOT_FOUND", vmId: vm.vmId, snapshotId: input.snapshotId });
    default:
      return null;
  }
}

/** The action as the event records it: the command's parameters resolved against the VM. */
function actionOf(vm: ManagedVm, input: ActionInput, approvalId: string | null): VmAction {
  switch (input.kind) {
    case "delete":
      return { kind: "delete" };
    case "resize":
      return {
        kind: "resize",
        from: { size: vm.currentSize, spec: vm.spec },
        to: { size: input.size, spec: resizedSpec(vm.spec, input.target) },
        powerCycle: input.powerCycle,
        timeoutSeconds: input.timeoutSeconds,
        approvalId,
      };
    case "snapshot-create":
      // a snapshot of a VM that is not running has no memory to keep
      return { ...input, withMemory: input.withMemory && vm.facts.powerState === "poweredOn" };
    case "snapshot-revert":
    case "snapshot-delete": {
      const name = vm.snapshots.find((s) => s.snapshotId === input.snapshotId)?.name ?? input.snapshotId;
      return { kind: input.kind, snapshotId: input.snapshotId, snapshotName: name };
    }
    default:
      return input;
  }
}

/** The request of an action for the VM's job, given the command's ids and deadline. */
export const actionRequested = (
  vm: ManagedVm,
  data: { actionId: string; jobId: string; reason: string | null; deadline: string; action: VmAction },
): VmEvent => ({
  type: "VmActionRequested",
  data: { vmId: vm.vmId, ...data, powerStateBefore: vm.facts.powerState },
});

/**
 * Decides an action asked of a VM: refused (a deleted VM, one action at a time, the state does not
 * allow it, the cap, a wrong confirmation), a repeat, an approval (a resize up), done at once (deleting
 * a VM already gone from vCenter), or queued for the site's agents. Pure.
 */
export function decideVmAction(command: RequestVmAction, vm: ManagedVm): Decision {
  const { vmId, actionId, jobId, reason, input, deadline, snapshotCap } = command.data;
  const repeat = repeatOf(vm, command);
  if (repeat) return repeat;
  const refusal = refusalFor(vm, input.kind, snapshotCap);
  if (refusal) return err(refusal);
  const refused = refusedInput(vm, input);
  if (refused) return refused;
  if (vm.status === "GONE") {
    // only a delete gets here, and there is nothing left for vCenter to do: the VM leaves the lists at
    // once, with its history
    const requested = actionRequested(vm, { actionId, jobId, reason, deadline, action: { kind: "delete" } });
    const done: VmEvent = {
      type: "VmActionSucceeded",
      data: {
        vmId,
        actionId,
        kind: "delete",
        facts: null,
        size: null,
        snapshot: null,
        note: "it was already gone from vCenter",
      },
    };
    return ok({ kind: "done", events: [requested, done] });
  }
  if (input.kind === "resize" && isResizeUp(vm.spec, resizedSpec(vm.spec, input.target))) {
    const to = { size: input.size, spec: resizedSpec(vm.spec, input.target) };
    const from = { size: vm.currentSize, spec: vm.spec };
    const approval: VmEvent = {
      type: "VmResizeRequested",
      data: { vmId, approvalId: actionId, from, to, powerCycle: input.powerCycle, reason },
    };
    return ok({ kind: "awaiting-approval", events: [approval] });
  }
  const action = actionOf(vm, input, null);
  return ok({ kind: "queued", events: [actionRequested(vm, { actionId, jobId, reason, deadline, action })] });
}
