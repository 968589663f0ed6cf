import type { StageProgress, TimelineEntry, TimelineEntryKind } from "@gantry/shared/api/requests";
import { userMessageOf } from "@gantry/shared/domain/failure-messages";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { StoredEvent } from "../event-store/stored-event.ts";
import { withCarriedEvents } from "./carried-events.ts";

const STAGE_LABELS: Readonly<Record<ProvisioningStage, string>> = {
  CLONING: "Cloning the template",
  CONFIGURING: "Configuring hardware",
  POWERING_ON: "Powering on",
  WAITING_FOR_NETWORK: "Waiting for the network",
  READY: "Ready",
};

type Rendered = { kind: TimelineEntryKind; title: string; detail: string | null; technicalDetail?: string };

// request-stream mirrors of VM outcomes (Ready/Failed) render as null: the VM's own event says more
function render(event: DomainEvent): Rendered | null {
  switch (event.type) {
    case "VmRequestSubmitted": {
      const { name, size, spec, networkPath } = event.data;
      const network = networkPath ? `network ${networkPath.split("/").at(-1)}` : "the site's default network";
      return {
        kind: "SUBMITTED",
        title: "Request submitted",
        detail: `${name}, size ${size} (${spec.cpu} vCPU, ${spec.memoryGb} GB RAM, ${spec.diskGb} GB disk), on ${network}`,
      };
    }
    case "VmRequestApproved": {
      const { explanation } = event.data;
      return explanation
        ? { kind: "APPROVED", title: "Approved by the approval policy", detail: explanation }
        : { kind: "APPROVED", title: "Approved", detail: null };
    }
    case "VmRequestPolicyApplied":
      // an automatic approval says why on its own entry; a rule that waits for people says so here
      return event.data.approvalsRequired === 0
        ? null
        : { kind: "SUBMITTED", title: "Approval policy applied", detail: event.data.explanation };
    case "VmRequestApprovalGiven": {
      const { given, required } = event.data;
      return { kind: "APPROVED", title: `${given} of ${required} approvals`, detail: null };
    }
    case "VmRequestRejected":
      return { kind: "REJECTED", title: "Rejected", detail: event.data.reason };
    case "VmRequestCancelled":
      return { kind: "CANCELLED", title: "Cancelled", detail: event.data.reason };
    case "VmRequestStopRequested":
      return { kind: "STOP_REQUESTED", title: "An admin stopped provisioning", detail: event.data.reason };
    case "VmProvisioningStarted":
      return { kind: "PROVISIONING_STARTED", title: "Provisioning started", detail: null };
    case "VmProvisioningStageReached":
      return { kind: "STAGE_REACHED", title: STAGE_LABELS[event.data.stage], detail: null };
    case "VmProvisioned": {
      const { vmName, ipAddress, warning, vmwareId } = event.data;
      const address = ipAddress ? `at ${ipAddress}` : "without an IP address yet";
      return {
        kind: "VM_READY",
        title: "VM ready",
        detail: [`${vmName} ${address} (${vmwareId})`, warning].filter(Boolean).join(". "),
      };
    }
    case "VmProvisioningFailed": {
      const { failure } = event.data;
      return {
        kind: "PROVISIONING_FAILED",
        title: "Provisioning failed",
        detail: userMessageOf(failure),
        technicalDetail: `${failure.code} after ${failure.attempts} attempt(s): ${failure.technicalDetail}`,
      };
    }
    case "VmLeftoverCleared":
      return {
        kind: "LEFTOVER_CLEARED",
        title: "Half-built VM removed from vCenter by an admin",
        detail: event.data.note,
      };
    case "VmAddressObserved":
      return {
        kind: "ADDRESS_OBSERVED",
        title: "IP address reported",
        detail: `VMware Tools reported ${event.data.ipAddress} after the VM was ready`,
      };
    // older logs' mirrors of the VM's start and outcome, told above by the VM's own events
    case "VmRequestProvisioningStarted":
    case "VmRequestReady":
    case "VmRequestFailed":
      return null;
    // the VM's life after READY has its own timeline (vms.get); tenancy events are never on a request's streams
    default:
      return null;
  }
}

/**
 * The request's history for people, oldest first, derived from its own and its VM's events (no
 * timeline table to write). Technical failure detail is kept for admins only.
 */
export function timelineOf(logged: readonly StoredEvent[], viewer: { admin: boolean }): TimelineEntry[] {
  const events = withCarriedEvents(logged);
  // each stage's duration, in the order the stages were reached (null while it runs)
  const durations = stagesIn(events).map((s) => s.durationMs);
  let stagesSeen = 0;
  return events.flatMap((stored, i) => {
    const rendered = render(stored.event);
    if (!rendered) return [];
    // a run that ended in the report that opened it (stopped before any agent took it, or refused at
    // once) did not visibly start: its failure says it all
    const next = events[i + 1];
    if (
      stored.event.type === "VmProvisioningStarted" &&
      next?.event.type === "VmProvisioningFailed" &&
      next.occurredAt === stored.occurredAt
    )
      return [];
    const { technicalDetail, ...visible } = rendered;
    const { actorKind, actorId, actorName } = stored.metadata;
    const durationMs = stored.event.type === "VmProvisioningStageReached" ? durations[stagesSeen++] : null;
    return [
      {
        at: stored.occurredAt,
        actor: { kind: actorKind, id: actorId, name: actorName ?? null },
        ...visible,
        ...(durationMs === null || durationMs === undefined ? {} : { durationMs }),
        ...(viewer.admin && technicalDetail !== undefined ? { technicalDetail } : {}),
      },
    ];
  });
}

/** Each stage the VM went through, when it started and how long it took (null while running). */
export const stagesOf = (logged: readonly StoredEvent[]): StageProgress[] =>
  stagesIn(withCarriedEvents(logged));

// the stages of a log whose carried events are already entries of their own
function stagesIn(events: readonly StoredEvent[]): StageProgress[] {
  const stages: StageProgress[] = [];
  for (const { event, occurredAt } of events) {
    if (
      event.type === "VmProvisioningStageReached" ||
      event.type === "VmProvisioned" ||
      event.type === "VmProvisioningFailed"
    ) {
      const last = stages.at(-1);
      if (last && last.durationMs === null)
        last.durationMs = Math.max(0, Date.parse(occurredAt) - Date.parse(last.startedAt));
    }
    if (event.type === "VmProvisioningStageReached")
      stages.push({ stage: event.data.stage, startedAt: occurredAt, durationMs: null });
    if (event.type === "VmProvisioned") stages.push({ stage: "READY", startedAt: occurredAt, durationMs: 0 });
  }
  return stages;
}
