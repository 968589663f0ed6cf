import type { VmTimelineEntry, VmTimelineEntryKind } from "@gantry/shared/api/vms";
import { ACTION_LABELS, type VmActionKind } from "@gantry/shared/domain/vm-actions";
import type { DriftChange } from "@gantry/shared/domain/vm-facts";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import { isVmLeaseEvent } from "@gantry/shared/events/vm-lease";
import type { VmAction } from "@gantry/shared/events/vm-lifecycle";
import type { StoredEvent } from "../event-store/stored-event.ts";
import { withCarriedEvents } from "./carried-events.ts";
import { leaseText } from "./lease-messages.ts";
import { actionFailureMessage, actionMessage } from "./vm-messages.ts";

type Rendered = Omit<VmTimelineEntry, "at" | "actor">;

const FIELD_NAMES: Readonly<Record<DriftChange["field"], string>> = {
  name: "name",
  powerState: "power",
  cpu: "vCPUs",
  memoryMb: "memory (MB)",
  diskGb: "disk (GB)",
};

function titleOf(action: VmAction): string {
  switch (action.kind) {
    case "resize":
      return `Resize from ${action.from.size} to ${action.to.size}`;
    case "snapshot-create":
      return `Create snapshot "${action.name}"${action.withMemory ? " with memory" : ""}`;
    case "snapshot-revert":
      return `Revert to snapshot "${action.snapshotName}"`;
    case "snapshot-delete":
      return `Delete snapshot "${action.snapshotName}"`;
    default:
      return ACTION_LABELS[action.kind];
  }
}

const entry = (
  kind: VmTimelineEntryKind,
  title: string,
  detail: string | null,
  actionId: string | null = null,
): Rendered => ({
  kind,
  actionId,
  title,
  detail,
});

/** One VM event for people; null for events before READY (the request's timeline shows those). */
function render(event: DomainEvent, kinds: Map<string, VmActionKind>): Rendered | null {
  switch (event.type) {
    case "VmProvisioned": {
      const { vmName, ipAddress } = event.data;
      return entry(
        "PROVISIONED",
        "VM ready",
        `${vmName} ${ipAddress ? `at ${ipAddress}` : "without an IP address yet"}`,
      );
    }
    case "VmActionRequested": {
      const { action, actionId, reason } = event.data;
      kinds.set(actionId, action.kind);
      return entry("ACTION_REQUESTED", titleOf(action), reason, actionId);
    }
    case "VmActionStepReached": {
      const { actionId, step, detail } = event.data;
      const kind = kinds.get(actionId);
      return kind ? entry("ACTION_STEP", actionMessage(kind, step, detail), null, actionId) : null;
    }
    case "VmActionSucceeded": {
      const { actionId, kind, note } = event.data;
      return entry("ACTION_SUCCEEDED", `${ACTION_LABELS[kind]}: done`, note, actionId);
    }
    case "VmActionFailed": {
      const { actionId, kind, failure } = event.data;
      const detail = failure.userMessage.trim() || actionFailureMessage(failure.code);
      return {
        ...entry("ACTION_FAILED", `${ACTION_LABELS[kind]} failed`, detail, actionId),
        technicalDetail: `${failure.code} after ${failure.attempts} attempt(s): ${failure.technicalDetail}`,
      };
    }
    case "VmResizeRequested": {
      const { from, to, reason, approvalId } = event.data;
      return entry(
        "RESIZE_REQUESTED",
        `Resize from ${from.size} to ${to.size} asked for: waiting for an admin`,
        reason,
        approvalId,
      );
    }
    case "VmResizeApproved":
      return entry("RESIZE_APPROVED", "Resize approved", null, event.data.approvalId);
    case "VmResizeRejected": {
      const { withdrawn, reason, approvalId } = event.data;
      return withdrawn
        ? entry("RESIZE_WITHDRAWN", "Resize request withdrawn", null, approvalId)
        : entry("RESIZE_REJECTED", "Resize rejected", reason, approvalId);
    }
    case "VmDriftObserved": {
      const { changes } = event.data;
      const detail = changes.map((c) => `${FIELD_NAMES[c.field]} ${c.from} → ${c.to}`).join("; ");
      return { ...entry("CHANGED_OUTSIDE_GANTRY", "Changed outside Gantry", detail), changes };
    }
    case "VmGone":
      return entry("GONE", "Deleted outside Gantry", `vCenter no longer has ${event.data.vmwareId}`);
    case "VmApprovalPolicyApplied": {
      const { approvalId, explanation } = event.data;
      return entry(
        "APPROVAL_POLICY_APPLIED",
        `${subjectWords[event.data.subject]} waits for approval`,
        explanation,
        approvalId,
      );
    }
    case "VmApprovalGiven": {
      const { approvalId, given, required } = event.data;
      const title = `${subjectWords[event.data.subject]}: ${given} of ${required} approvals`;
      return entry("APPROVAL_GIVEN", title, null, approvalId);
    }
    case "VmReappeared":
      return entry(
        "REAPPEARED",
        "Back in vCenter",
        `the reconciliation scan found ${event.data.vmwareId} again`,
      );
    default:
      return isVmLeaseEvent(event) ? entry("LEASE", ...leaseText(event)) : null;
  }
}

const subjectWords = { resize: "Resize", "lease-extension": "Lease extension" } as const;

/** The VM's history for people, oldest first, from its stream (no table to write). Admins see fault detail. */
export function vmTimelineOf(events: readonly StoredEvent[], viewer: { admin: boolean }): VmTimelineEntry[] {
  const kinds = new Map<string, VmActionKind>();
  // READY's lease is its own entry, whether VmProvisioned carries it or (older logs) a VmLeaseStarted follows
  return withCarriedEvents(events).flatMap((stored) => {
    const rendered = render(stored.event, kinds);
    if (!rendered) return [];
    const { technicalDetail, ...visible } = rendered;
    const { actorKind, actorId, actorName } = stored.metadata;
    return [
      {
        at: stored.occurredAt,
        actor: { kind: actorKind, id: actorId, name: actorName ?? null },
        ...visible,
        ...(viewer.admin && technicalDetail !== undefined ? { technicalDetail } : {}),
      },
    ];
  });
}
