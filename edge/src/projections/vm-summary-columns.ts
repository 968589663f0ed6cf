import type { VmFacts } from "@gantry/shared/domain/vm-facts";
import type { VmLifecycleEvent } from "@gantry/shared/events/vm-lifecycle";
import type { RecordedEvent } from "../event-store/stored-event.ts";

/** A column's new value, or (`add`) a change to a counter that never goes below zero. */
export type ColumnValue = string | number | null | { add: number };

const NO_ACTION = {
  vm_action_id: null,
  vm_action_kind: null,
  vm_action_step: null,
  vm_action_detail: null,
  vm_action_by: null,
  vm_action_by_name: null,
  vm_action_at: null,
  vm_action_deadline: null,
} as const;

const NO_RESIZE = {
  vm_resize_approval_id: null,
  vm_resize_to: null,
  vm_resize_by: null,
  vm_resize_by_name: null,
  vm_resize_reason: null,
  vm_resize_power_cycle: null,
  vm_resize_at: null,
} as const;

const NO_EXTENSION = {
  vm_extension_approval_id: null,
  vm_extension_to: null,
  vm_extension_by: null,
  vm_extension_by_name: null,
  vm_extension_reason: null,
  vm_extension_at: null,
} as const;

/** The VM no longer exists: nothing of its lease is due any more. */
const NO_LEASE_DUE = { vm_lease_next_at: null, vm_lease_destroy_at: null, ...NO_EXTENSION } as const;

const factsColumns = (facts: VmFacts) => ({
  vm_name: facts.name,
  vm_power_state: facts.powerState,
  vm_cpu: facts.cpu,
  vm_memory_mb: facts.memoryMb,
  vm_disk_gb: facts.diskGb,
  ip_address: facts.ipAddress,
  hostname: facts.hostname,
});

/**
 * The columns of a request's summary row a VM lifecycle event sets (the VM shares the row with its
 * request): the running action, a resize waiting, the facts, the VM's status. One UPDATE per event.
 */
export function vmSummaryColumns(
  e: RecordedEvent & { event: VmLifecycleEvent },
): Record<string, ColumnValue> {
  const { event, metadata, occurredAt } = e;
  switch (event.type) {
    case "VmActionRequested": {
      const { actionId, action, deadline } = event.data;
      return {
        // a resize holds its new spec against the quota from now on (a resize up is approved by now)
        ...(action.kind === "resize"
          ? {
              ...NO_RESIZE,
              held_cpu: action.to.spec.cpu,
              held_memory_gb: action.to.spec.memoryGb,
              held_disk_gb: action.to.spec.diskGb,
            }
          : {}),
        vm_action_id: actionId,
        vm_action_kind: action.kind,
        vm_action_step: null,
        vm_action_detail: null,
        vm_action_by: metadata.actorId,
        vm_action_by_name: metadata.actorName ?? null,
        vm_action_at: occurredAt,
        vm_action_deadline: deadline,
      };
    }
    case "VmActionStepReached":
      return { vm_action_step: event.data.step, vm_action_detail: JSON.stringify(event.data.detail) };
    case "VmActionSucceeded": {
      const { kind, facts, size, snapshot } = event.data;
      const columns: Record<string, ColumnValue> = { ...NO_ACTION, ...(facts ? factsColumns(facts) : {}) };
      if (kind === "delete")
        return {
          ...columns,
          ...NO_LEASE_DUE,
          vm_status: "DELETED",
          vm_power_state: "poweredOff",
          ip_address: null,
        };
      if (kind === "resize" && size) columns.vm_size = size;
      if (kind === "snapshot-create" && snapshot) columns.vm_snapshot_count = { add: 1 };
      if (kind === "snapshot-delete") columns.vm_snapshot_count = { add: -1 };
      return columns;
    }
    case "VmActionFailed": {
      const { kind, failure } = event.data;
      // vCenter has no such snapshot: the VM's list drops it (see the aggregate)
      const lost =
        failure.code === "SNAPSHOT_NOT_FOUND" && (kind === "snapshot-revert" || kind === "snapshot-delete");
      return { ...NO_ACTION, ...(lost ? { vm_snapshot_count: { add: -1 } } : {}) };
    }
    case "VmResizeRequested": {
      const { approvalId, to, reason, powerCycle } = event.data;
      return {
        vm_resize_approval_id: approvalId,
        vm_resize_to: to.size,
        vm_resize_by: metadata.actorId,
        vm_resize_by_name: metadata.actorName ?? null,
        vm_resize_reason: reason,
        vm_resize_power_cycle: powerCycle ? 1 : 0,
        vm_resize_at: occurredAt,
      };
    }
    case "VmResizeApproved":
    case "VmResizeRejected":
      return { ...NO_RESIZE };
    case "VmDriftObserved":
      return { ...factsColumns(event.data.observed), vm_drifted_at: occurredAt };
    case "VmApprovalPolicyApplied":
    case "VmApprovalGiven":
      // no column: the progress lives in request_approvals (request-approvals projection)
      return {};
    case "VmGone":
      return { ...NO_LEASE_DUE, vm_status: "GONE", vm_power_state: "unknown", ip_address: null };
    case "VmReappeared": {
      const { observed, lease } = event.data;
      const due: Record<string, ColumnValue> = lease
        ? { vm_lease_next_at: lease.nextCheckAt, vm_lease_destroy_at: lease.destroyAt }
        : {};
      return { vm_status: "READY", ...factsColumns(observed), ...due };
    }
    case "VmLeaseStarted":
      return {
        vm_expires_at: event.data.expiresAt,
        vm_lease_phase: "active",
        vm_lease_next_at: event.data.nextCheckAt,
      };
    case "VmLeaseExtended": {
      const { expiresAt, nextCheckAt, approvalId } = event.data;
      return {
        ...(approvalId ? NO_EXTENSION : {}),
        vm_expires_at: expiresAt,
        vm_lease_phase: "active",
        vm_lease_destroy_at: null,
        vm_lease_next_at: nextCheckAt,
      };
    }
    case "VmLeaseExtensionRequested": {
      const { approvalId, expiresAt, reason } = event.data;
      return {
        vm_extension_approval_id: approvalId,
        vm_extension_to: expiresAt,
        vm_extension_by: metadata.actorId,
        vm_extension_by_name: metadata.actorName ?? null,
        vm_extension_reason: reason,
        vm_extension_at: occurredAt,
      };
    }
    case "VmLeaseExtensionRejected":
      return { ...NO_EXTENSION };
    case "VmLeaseWarned":
      return { vm_lease_next_at: event.data.nextCheckAt };
    case "VmLeaseExpired": {
      const { enforcement, destroyAt, nextCheckAt } = event.data;
      return {
        vm_lease_phase: enforcement === "hard" ? "grace" : "expired",
        vm_lease_destroy_at: destroyAt,
        vm_lease_next_at: nextCheckAt,
      };
    }
    case "VmLeaseEnded":
      return { ...NO_EXTENSION, vm_lease_phase: "ended", vm_lease_next_at: event.data.nextCheckAt };
    case "VmLeaseExempted":
      return {
        vm_lease_phase: "exempt",
        vm_lease_destroy_at: null,
        vm_lease_next_at: event.data.nextCheckAt,
      };
  }
}
