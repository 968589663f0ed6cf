import type { AuditAction } from "@gantry/shared/api/audit";
import { ACTION_LABELS, type VmActionKind } from "@gantry/shared/domain/vm-actions";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import { type EventMetadata, isPersonActor } from "@gantry/shared/events/event-metadata";
import type { VmAction } from "@gantry/shared/events/vm-lifecycle";

const ACTIONS: Readonly<Record<VmActionKind, AuditAction>> = {
  "power-on": "VM_POWER_ON",
  "power-off": "VM_POWER_OFF",
  "shutdown-guest": "VM_SHUTDOWN_GUEST",
  restart: "VM_RESTART",
  delete: "VM_DELETE",
  resize: "VM_RESIZE",
  "snapshot-create": "VM_SNAPSHOT_CREATE",
  "snapshot-revert": "VM_SNAPSHOT_REVERT",
  "snapshot-delete": "VM_SNAPSHOT_DELETE",
};

const why = (reason: string | null) => (reason ? `: ${reason}` : " (no reason given)");

function describe(action: VmAction): string {
  switch (action.kind) {
    case "resize":
      return `resize from ${action.from.size} to ${action.to.size}${action.approvalId ? " (approved)" : ""}`;
    case "snapshot-create":
      return `create snapshot "${action.name}"${action.withMemory ? " with memory" : ""}`;
    case "snapshot-revert":
      return `revert to snapshot "${action.snapshotName}"`;
    case "snapshot-delete":
      return `delete snapshot "${action.snapshotName}"`;
    default:
      return ACTION_LABELS[action.kind].toLowerCase();
  }
}

/**
 * The audit entry of a VM event: each command someone gave (who is the event's actor, why its reason),
 * and what vCenter showed behind Gantry's back (reported by the site's agent). Steps and outcomes are
 * on the VM's timeline, not here.
 */
export function vmAuditEntry(
  event: DomainEvent,
  metadata: EventMetadata,
): { action: AuditAction; summary: string } | null {
  const byPerson = isPersonActor(metadata.actorKind);
  switch (event.type) {
    case "VmActionRequested": {
      const { action, reason } = event.data;
      // an approved resize was asked for (and audited) when it was requested
      if (!byPerson || (action.kind === "resize" && action.approvalId)) return null;
      return { action: ACTIONS[action.kind], summary: `${describe(action)}${why(reason)}` };
    }
    case "VmResizeRequested": {
      if (!byPerson) return null;
      const { from, to, reason } = event.data;
      return {
        action: "VM_RESIZE_REQUESTED",
        summary: `asked to resize from ${from.size} to ${to.size}${why(reason)}`,
      };
    }
    case "VmResizeApproved":
      return byPerson ? { action: "VM_RESIZE_APPROVED", summary: "approved the resize; it runs now" } : null;
    case "VmResizeRejected": {
      if (!byPerson) return null;
      const { withdrawn, reason } = event.data;
      return withdrawn
        ? { action: "VM_RESIZE_WITHDRAWN", summary: "withdrew the resize request" }
        : { action: "VM_RESIZE_REJECTED", summary: `rejected the resize${why(reason)}` };
    }
    case "VmDriftObserved": {
      const changes = event.data.changes.map((c) => `${c.field} ${c.from} → ${c.to}`).join(", ");
      return { action: "VM_CHANGED_OUTSIDE_GANTRY", summary: `changed outside Gantry: ${changes}` };
    }
    case "VmGone":
      return { action: "VM_GONE", summary: `destroyed outside Gantry (was ${event.data.vmwareId})` };
    case "VmApprovalGiven": {
      const { subject, given, required } = event.data;
      const what = subject === "resize" ? "the resize" : "the lease extension";
      return { action: "VM_APPROVAL_GIVEN", summary: `gave approval ${given} of ${required} for ${what}` };
    }
    case "VmReappeared":
      return {
        action: "VM_REAPPEARED",
        summary: `back in vCenter (${event.data.vmwareId}): no longer missing`,
      };
    case "VmLeaseExtended": {
      if (!byPerson) return null;
      const { expiresAt, approvalId, reason } = event.data;
      const how = approvalId ? "approved the extension" : "extended the lease";
      return { action: "VM_LEASE_EXTENDED", summary: `${how} to ${expiresAt}${why(reason)}` };
    }
    case "VmLeaseExtensionRequested":
      return byPerson
        ? {
            action: "VM_LEASE_EXTENSION_REQUESTED",
            summary: `asked to extend the lease past its policy, to ${event.data.expiresAt}${why(event.data.reason)}`,
          }
        : null;
    case "VmLeaseExtensionRejected": {
      if (!byPerson) return null;
      const { withdrawn, reason } = event.data;
      return withdrawn
        ? { action: "VM_LEASE_EXTENSION_WITHDRAWN", summary: "withdrew the lease extension request" }
        : { action: "VM_LEASE_EXTENSION_REJECTED", summary: `rejected the lease extension${why(reason)}` };
    }
    case "VmLeaseExempted":
      return byPerson
        ? {
            action: "VM_LEASE_EXEMPTED",
            summary: `took the VM out of lease enforcement${why(event.data.reason)}`,
          }
        : null;
    default:
      return null;
  }
}
