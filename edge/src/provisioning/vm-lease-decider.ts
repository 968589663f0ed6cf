import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import type { VmEvent, VmLeaseStart } from "@gantry/shared/events/vm";
import type { VmAction } from "@gantry/shared/events/vm-lifecycle";
import { err, ok, type Result } from "@gantry/shared/result";
import { actionJobIdFor } from "./build-action-job.ts";
import type { ManagedVm } from "./managed-vm.ts";
import { actionRequested } from "./vm-action-decider.ts";
import { type LeaseState, withNextChecks } from "./vm-lease.ts";
import { approvalShortOfLast } from "./vm-policy-approval.ts";

// The rules of a VM's lease (issue 16). Pure: times come in as ISO strings, ids from the command.

type Decision = Result<VmEvent[], DomainError>;

const refused = (vm: ManagedVm, why: string) => err({ code: "LEASE_REFUSED" as const, vmId: vm.vmId, why });
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** The lease a VM gets at READY: the initial term of its project's policy, from the moment it became READY. */
export const leaseStarted = (input: { vmId: string; readyAt: string; policy: LeasePolicy }): VmEvent =>
  withNextChecks(null, [started(input)])[0] as VmEvent;

/** That lease as the VM's VmProvisioned carries it (`VmLeaseStart`: the same data, less the VM's id). */
export function leaseAtReady(input: { vmId: string; readyAt: string; policy: LeasePolicy }): VmLeaseStart {
  const event = leaseStarted(input);
  if (event.type !== "VmLeaseStarted") throw new Error("a lease's start is a VmLeaseStarted");
  const { vmId: _vmId, ...lease } = event.data;
  return lease;
}

const started = (input: { vmId: string; readyAt: string; policy: LeasePolicy }): VmEvent => ({
  type: "VmLeaseStarted",
  data: {
    nextCheckAt: null,
    vmId: input.vmId,
    expiresAt: plus(input.readyAt, input.policy.initialTermSeconds),
    policy: input.policy,
  },
});

/** The lease, or why there is nothing to decide on (deleted or gone VMs, VMs from before leases). */
function liveLease(vm: ManagedVm): Result<LeaseState, DomainError> {
  if (vm.status !== "READY")
    return err({ code: "LEASE_REFUSED", vmId: vm.vmId, why: "the VM no longer exists" });
  if (!vm.lease) return err({ code: "LEASE_REFUSED", vmId: vm.vmId, why: "this VM has no lease" });
  return ok(vm.lease);
}

export interface ExtendLease {
  vmId: string;
  /** from the command's idempotency key: a repeat finds its outcome by this id */
  extensionId: string;
  seconds: number;
  reason: string | null;
  now: string;
}

/** What an extension comes to: done within the policy, or an approval for an admin. */
export type ExtendOutcome = "extended" | "awaiting-approval";

/**
 * The owner extends the lease by `seconds` from its current end (or from now, if it already ran out
 * under soft enforcement): within the policy (at most its maximum extension, and no further than its
 * maximum total life from READY) at once; beyond it, as an approval an admin decides. A hard lease in its
 * grace period only an admin's rescue can save.
 */
function extend(
  command: ExtendLease,
  vm: ManagedVm,
): Result<{ outcome: ExtendOutcome; events: VmEvent[] }, DomainError> {
  const live = liveLease(vm);
  if (!live.ok) return live;
  const lease = live.value;
  const { vmId, extensionId, seconds, reason, now } = command;
  const known = lease.decided.get(extensionId);
  if (known === "extended" || known === "awaiting-approval") return ok({ outcome: known, events: [] });
  if (known === "rejected") return refused(vm, "this extension was rejected");
  if (lease.phase === "grace")
    return refused(vm, "the lease has expired and the VM is powered off; an admin can rescue it");
  if (lease.phase === "ended") return refused(vm, "the lease has ended; the VM is being deleted");
  if (lease.phase === "exempt") return refused(vm, "this VM is exempt from its lease; nothing to extend");
  if (lease.pending) return refused(vm, "an extension of this VM already waits for an admin's approval");
  const previousExpiresAt = lease.expiresAt;
  const expiresAt = plus(later(previousExpiresAt, now), seconds);
  const { maxExtensionSeconds, maxTotalSeconds } = lease.policy;
  const withinTotal = Date.parse(expiresAt) - Date.parse(lease.startedAt) <= maxTotalSeconds * 1000;
  if (seconds <= maxExtensionSeconds && withinTotal) {
    const events: VmEvent[] = [
      {
        type: "VmLeaseExtended",
        data: {
          nextCheckAt: null,
          vmId,
          extensionId,
          previousExpiresAt,
          expiresAt,
          approvalId: null,
          reason,
        },
      },
    ];
    return ok({ outcome: "extended", events });
  }
  const events: VmEvent[] = [
    { type: "VmLeaseExtensionRequested", data: { vmId, approvalId: extensionId, expiresAt, reason } },
  ];
  return ok({ outcome: "awaiting-approval", events });
}

export type ExtensionVerdict =
  | { verdict: "approve"; approverId: string }
  | { verdict: "reject"; reason: string }
  /** its requester (or an admin) takes it back */
  | { verdict: "withdraw" };

/**
 * An admin approves (the lease runs to the date asked for, even from grace) or rejects an extension
 * past the policy; nobody approves their own. Deciding again the same way is a repeat.
 */
function extension(command: { approvalId: string; verdict: ExtensionVerdict }, vm: ManagedVm): Decision {
  const live = liveLease(vm);
  if (!live.ok) return live;
  const lease = live.value;
  const { approvalId, verdict } = command;
  const { vmId } = vm;
  const pending = lease.pending?.approvalId === approvalId ? lease.pending : null;
  if (!pending) {
    const known = lease.decided.get(approvalId);
    const repeat =
      (verdict.verdict === "approve" && known === "extended") ||
      (verdict.verdict !== "approve" && known === "rejected");
    if (repeat) return ok([]);
    if (known) return err({ code: "REQUEST_ALREADY_PROCESSED", requestId: vmId, status: "READY" });
    return err({ code: "APPROVAL_NOT_FOUND", vmId, approvalId });
  }
  switch (verdict.verdict) {
    case "approve": {
      if (verdict.approverId === pending.requestedBy.id)
        return err({ code: "SELF_APPROVAL_FORBIDDEN", requestId: vmId });
      const shortOfLast = approvalShortOfLast(vm, {
        approvalId,
        approverId: verdict.approverId,
        subject: "lease-extension",
      });
      if (!shortOfLast.ok) return shortOfLast;
      if (shortOfLast.value) return ok(shortOfLast.value);
      if (lease.phase === "ended") return refused(vm, "the lease has ended; the VM is being deleted");
      if (lease.phase === "exempt") return refused(vm, "this VM is exempt from its lease; nothing to extend");
      const data = {
        nextCheckAt: null,
        vmId,
        extensionId: approvalId,
        previousExpiresAt: lease.expiresAt,
        expiresAt: pending.expiresAt,
        approvalId,
        reason: pending.reason,
      };
      return ok([{ type: "VmLeaseExtended", data }]);
    }
    case "reject":
      return ok([
        {
          type: "VmLeaseExtensionRejected",
          data: { vmId, approvalId, reason: verdict.reason, withdrawn: false },
        },
      ]);
    case "withdraw":
      return ok([
        { type: "VmLeaseExtensionRejected", data: { vmId, approvalId, reason: null, withdrawn: true } },
      ]);
  }
}

export type Rescue =
  | { mode: "extend"; rescueId: string; seconds: number; reason: string | null; now: string }
  | { mode: "exempt"; rescueId: string; reason: string | null };

/**
 * An admin saves a VM whose lease ran out (in its grace period, or expired under soft enforcement): a new
 * end `seconds` from now (no policy limit: the admin chooses so), or no enforcement for this VM at all.
 * The VM stays as it is (powered off, if the expiry did that); its owner powers it on.
 */
function rescue(command: Rescue, vm: ManagedVm): Decision {
  const live = liveLease(vm);
  if (!live.ok) return live;
  const lease = live.value;
  const { vmId } = vm;
  if (command.mode === "extend" && lease.decided.get(command.rescueId) === "extended") return ok([]);
  if (command.mode === "exempt" && lease.phase === "exempt") return ok([]);
  if (lease.phase !== "grace" && lease.phase !== "expired")
    return refused(
      vm,
      lease.phase === "ended"
        ? "the lease has ended; the VM is being deleted"
        : "the lease has not expired; extend it instead",
    );
  if (command.mode === "exempt")
    return ok([{ type: "VmLeaseExempted", data: { nextCheckAt: null, vmId, reason: command.reason } }]);
  const data = {
    nextCheckAt: null,
    vmId,
    extensionId: command.rescueId,
    previousExpiresAt: lease.expiresAt,
    expiresAt: plus(command.now, command.seconds),
    approvalId: null,
    reason: command.reason,
  };
  return ok([{ type: "VmLeaseExtended", data }]);
}

/** Ids and deadlines of the actions the lease's enforcement asks for. */
export interface LeaseTick {
  now: string;
  /** how long an action may wait for an agent before the edge gives up on it */
  actionBudgetSeconds: number;
}

/**
 * The id of an enforcement action: one per (VM, lease end, step), so a tick repeated by a duplicate or
 * restarted sweep lands on the action it already asked for.
 */
export const leaseActionId = (vmId: string, expiresAt: string, step: "off" | "delete") =>
  `lse_${vmId}_${Date.parse(expiresAt)}_${step}`;

function enforcementAction(
  vm: ManagedVm,
  lease: LeaseState,
  step: "off" | "delete",
  deadline: string,
): VmEvent {
  const actionId = leaseActionId(vm.vmId, lease.expiresAt, step);
  const action: VmAction = step === "off" ? { kind: "power-off" } : { kind: "delete" };
  const reason = step === "off" ? "lease expired" : "lease ended after its grace period";
  return actionRequested(vm, { actionId, jobId: actionJobIdFor(actionId), reason, deadline, action });
}

/** The end of the grace period: the lease ends and the VM's deletion is asked for (it may wait a day for an agent). */
function ended(vm: ManagedVm, lease: LeaseState, tick: LeaseTick): VmEvent[] {
  const deadline = later(plus(tick.now, 86_400), plus(tick.now, tick.actionBudgetSeconds));
  return [
    { type: "VmLeaseEnded", data: { nextCheckAt: null, vmId: vm.vmId, expiresAt: lease.expiresAt } },
    enforcementAction(vm, lease, "delete", deadline),
  ];
}

/**
 * What the lease's clock asks of the VM at `now`: the latest warning due, the expiry (hard: powered off
 * now, destroyed at the end of grace; soft: a notice), the end of grace (the VM's deletion). An action
 * that would meet another running waits for the next tick; everything already done is not done again,
 * so ticks may repeat freely. The power-off may wait for an agent until the grace ends, the deletion a day
 * at least: an agent offline at expiry acts when it is back.
 */
function tick(tick: LeaseTick, vm: ManagedVm): VmEvent[] {
  const lease = vm.lease;
  if (vm.status !== "READY" || !lease) return [];
  const now = Date.parse(tick.now);
  const { vmId } = vm;
  const budgetEnd = plus(tick.now, tick.actionBudgetSeconds);
  switch (lease.phase) {
    case "active": {
      const expiry = Date.parse(lease.expiresAt);
      if (now < expiry) {
        const due = lease.policy.warningsSeconds
          .filter((w) => !lease.warned.includes(w) && now >= expiry - w * 1000)
          .sort((a, b) => a - b)[0];
        if (due === undefined) return [];
        return [
          {
            type: "VmLeaseWarned",
            data: { nextCheckAt: null, vmId, expiresAt: lease.expiresAt, secondsBefore: due },
          },
        ];
      }
      const { enforcement, graceSeconds } = lease.policy;
      // another action runs (the owner's restart, a snapshot): the expiry waits for it, so the power-off
      // follows it; its deadline bounds the wait, and the end of grace still counts from `expiresAt`
      if (vm.running) return [];
      if (enforcement === "soft")
        return [
          {
            type: "VmLeaseExpired",
            data: { nextCheckAt: null, vmId, expiresAt: lease.expiresAt, enforcement, destroyAt: null },
          },
        ];
      const destroyAt = plus(lease.expiresAt, graceSeconds);
      const expired: VmEvent = {
        type: "VmLeaseExpired",
        data: { nextCheckAt: null, vmId, expiresAt: lease.expiresAt, enforcement, destroyAt },
      };
      if (graceSeconds === 0) return [expired, ...ended(vm, lease, tick)];
      // nothing to power off when it is already off, or when a zero grace deletes it now (the deletion powers off)
      const powerOff = vm.facts.powerState !== "poweredOff" && graceSeconds > 0;
      return powerOff
        ? [expired, enforcementAction(vm, lease, "off", later(destroyAt, budgetEnd))]
        : [expired];
    }
    case "grace": {
      if (lease.destroyAt === null || now < Date.parse(lease.destroyAt) || vm.running) return [];
      return ended(vm, lease, tick);
    }
    default:
      return [];
  }
}

// every decision's lease events carry when the lease next needs the scheduler (see `withNextChecks`)
const scheduled = <T extends { events: VmEvent[] } | VmEvent[]>(
  vm: ManagedVm,
  decided: Result<T, DomainError>,
) => {
  if (!decided.ok) return decided;
  const value = decided.value;
  if (Array.isArray(value)) return ok(withNextChecks(vm.lease, value) as T);
  return ok({ ...value, events: withNextChecks(vm.lease, value.events) } as T);
};

export const decideExtend = (command: ExtendLease, vm: ManagedVm) => scheduled(vm, extend(command, vm));
export const decideExtension = (command: { approvalId: string; verdict: ExtensionVerdict }, vm: ManagedVm) =>
  scheduled(vm, extension(command, vm));
export const decideRescue = (command: Rescue, vm: ManagedVm) => scheduled(vm, rescue(command, vm));
export const decideLeaseTick = (input: LeaseTick, vm: ManagedVm): VmEvent[] =>
  withNextChecks(vm.lease, tick(input, vm));
