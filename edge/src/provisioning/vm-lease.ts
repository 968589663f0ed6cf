import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import type { VmEvent } from "@gantry/shared/events/vm";
import { isVmLeaseEvent, type VmLeaseEvent } from "@gantry/shared/events/vm-lease";

/** An extension past the policy, waiting for an admin. */
export interface PendingExtension {
  approvalId: string;
  expiresAt: string;
  reason: string | null;
  requestedBy: { id: string; name: string | null };
  requestedAt: string;
}

/**
 * A VM's lease as its stream tells it. `active`: running to `expiresAt`; `grace`: expired under hard
 * enforcement, powered off, destroyed at `destroyAt`; `expired`: expired under soft enforcement (notices
 * only); `ended`: its deletion was asked for; `exempt`: an admin turned enforcement off for it.
 */
export interface LeaseState {
  policy: LeasePolicy;
  startedAt: string;
  expiresAt: string;
  phase: "active" | "grace" | "expired" | "ended" | "exempt";
  destroyAt: string | null;
  /** the warnings (seconds before expiry) already given for the current `expiresAt` */
  warned: readonly number[];
  pending: PendingExtension | null;
  /** every extension and approval by id, so a repeated command finds its outcome */
  decided: ReadonlyMap<string, "extended" | "awaiting-approval" | "rejected">;
}

const withDecided = (lease: LeaseState, id: string, outcome: "extended" | "awaiting-approval" | "rejected") =>
  new Map(lease.decided).set(id, outcome);

/** Folds one lease event into the VM's lease (null before VmLeaseStarted). Pure. */
export function evolveLease(
  lease: LeaseState | null,
  event: VmLeaseEvent,
  recorded: { occurredAt: string; actor: { id: string; name: string | null } },
): LeaseState | null {
  if (event.type === "VmLeaseStarted") {
    const { expiresAt, policy } = event.data;
    return {
      policy,
      startedAt: recorded.occurredAt,
      expiresAt,
      phase: "active",
      destroyAt: null,
      warned: [],
      pending: null,
      decided: new Map(),
    };
  }
  if (!lease) return lease;
  switch (event.type) {
    case "VmLeaseExtended": {
      const { extensionId, approvalId, expiresAt } = event.data;
      const settled = approvalId ?? extensionId;
      const pending = lease.pending?.approvalId === approvalId ? null : lease.pending;
      // an extended lease is enforced again from its new end (a rescue that extends ends the grace)
      const phase = lease.phase === "exempt" ? "exempt" : "active";
      return {
        ...lease,
        expiresAt,
        phase,
        destroyAt: null,
        warned: [],
        pending,
        decided: withDecided(lease, settled, "extended"),
      };
    }
    case "VmLeaseExtensionRequested": {
      const { approvalId, expiresAt, reason } = event.data;
      const pending = {
        approvalId,
        expiresAt,
        reason,
        requestedBy: recorded.actor,
        requestedAt: recorded.occurredAt,
      };
      return { ...lease, pending, decided: withDecided(lease, approvalId, "awaiting-approval") };
    }
    case "VmLeaseExtensionRejected": {
      const { approvalId } = event.data;
      const pending = lease.pending?.approvalId === approvalId ? null : lease.pending;
      return { ...lease, pending, decided: withDecided(lease, approvalId, "rejected") };
    }
    case "VmLeaseWarned": {
      // a warning covers every earlier one not yet given (a lease shorter than the first warning)
      const { secondsBefore } = event.data;
      const covered = lease.policy.warningsSeconds.filter((w) => w >= secondsBefore);
      return { ...lease, warned: [...new Set([...lease.warned, ...covered])] };
    }
    case "VmLeaseExpired": {
      const { enforcement, destroyAt } = event.data;
      return { ...lease, phase: enforcement === "hard" ? "grace" : "expired", destroyAt };
    }
    case "VmLeaseEnded":
      return { ...lease, phase: "ended", pending: null };
    case "VmLeaseExempted":
      return { ...lease, phase: "exempt", destroyAt: null };
  }
}

const at = (iso: string) => Date.parse(iso);

/** The warnings of the policy not yet given, latest first (7 days before, then 1 day before). */
const dueWarnings = (lease: LeaseState) =>
  lease.policy.warningsSeconds.filter((w) => !lease.warned.includes(w)).sort((a, b) => b - a);

/**
 * When the lease next needs the scheduler: the next warning or the expiry while active, the destruction
 * during grace; null when nothing more is due (soft and expired, ended, exempt). The read model keeps it
 * (`vm_lease_next_at`), and the sweep picks the VMs whose time has come.
 */
export function nextLeaseCheck(lease: LeaseState | null): string | null {
  if (!lease) return null;
  switch (lease.phase) {
    case "active": {
      const expiry = at(lease.expiresAt);
      const warning = dueWarnings(lease)
        .map((w) => expiry - w * 1000)
        .find((t) => t < expiry);
      return new Date(warning === undefined ? expiry : Math.min(warning, expiry)).toISOString();
    }
    case "grace":
      return lease.destroyAt;
    default:
      return null;
  }
}

/**
 * Fills each lease event's `nextCheckAt` with what the lease asks of the scheduler once that event (and
 * those before it) are folded in: deciders build their events with a placeholder and pass them here last.
 */
export function withNextChecks(lease: LeaseState | null, events: readonly VmEvent[]): VmEvent[] {
  // when and by whom does not change what is due next
  const recorded = { occurredAt: "", actor: { id: "unknown", name: null } };
  let state = lease;
  return events.map((event) => {
    if (!isVmLeaseEvent(event)) return event;
    state = evolveLease(state, event, recorded);
    return { ...event, data: { ...event.data, nextCheckAt: nextLeaseCheck(state) } } as VmEvent;
  });
}
