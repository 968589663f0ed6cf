import type { ApprovalProgressView } from "@gantry/shared/api/approval-policies";
import type { VmDetail, VmSnapshotView } from "@gantry/shared/api/vms";
import { isVmEvent, isVmRequestEvent } from "@gantry/shared/events/catalog";
import { isAdmin, type Principal } from "../auth/principal.ts";
import { readStreams } from "../event-store/read-stream.ts";
import { type SqlDatabase, streamIds } from "../event-store/stored-event.ts";
import { vmIdFor } from "../provisioning/ids.ts";
import { type ManagedVm, managedVm } from "../provisioning/managed-vm.ts";
import { evolveVm, initialVmState } from "../provisioning/vm.ts";
import type { PolicyApproval } from "../provisioning/vm-lifecycle.ts";
import { evolveVmRequest, initialVmRequestState, isVmProvisioningEvent } from "../provisioning/vm-request.ts";
import { type AgentAbility, vmActionAvailability } from "./vm-availability.ts";
import { actionFailureMessage } from "./vm-messages.ts";
import { getVmRow } from "./vm-queries.ts";
import { toVmListItem } from "./vm-row.ts";
import { vmTimelineOf } from "./vm-timeline.ts";

/** The VM both streams fold into, as its commands would decide on it. */
function fold(events: Awaited<ReturnType<typeof readStreams>>): ManagedVm | null {
  let request = initialVmRequestState;
  let vm = initialVmState;
  for (const { event, occurredAt, metadata } of events) {
    if (isVmRequestEvent(event)) request = evolveVmRequest(request, event);
    else if (isVmEvent(event)) {
      vm = evolveVm(vm, { event, occurredAt, metadata });
      // the VM's start and outcome move its request on
      if (isVmProvisioningEvent(event)) request = evolveVmRequest(request, event);
    }
  }
  return managedVm(request, vm);
}

const snapshotView =
  (now: Date) =>
  (s: ManagedVm["snapshots"][number]): VmSnapshotView => ({
    snapshotId: s.snapshotId,
    name: s.name,
    createdAt: s.createdAt,
    withMemory: s.withMemory,
    ageMs: Math.max(0, now.getTime() - Date.parse(s.createdAt)),
    createdBy: s.createdBy,
  });

/**
 * One VM as its page shows it, or null when the caller may not see it (another tenant's, another
 * member's, or no VM at all), exactly as if it did not exist. `agents` says what the VM's site can run.
 */
export async function getVmDetail(
  db: SqlDatabase,
  input: {
    principal: Principal;
    vmId: string;
    now: Date;
    snapshotCap: number;
    guestTimeoutSeconds: number;
    agents: (siteId: string) => Promise<AgentAbility>;
  },
): Promise<VmDetail | null> {
  const { principal, vmId, now } = input;
  const admin = isAdmin(principal);
  const row = await getVmRow(db, { tenantId: principal.tenantId, vmId });
  if (!row || (!admin && row.requester_id !== principal.userId) || !row.vmware_id) return null;
  const vmStream = streamIds.vm(vmIdFor(vmId));
  const events = await readStreams(db, [streamIds.vmRequest(vmId), vmStream]);
  const vm = fold(events);
  if (!vm) return null;
  const siteId = row.site_id ?? "";
  const siteName = row.site_name ?? siteId;
  const agents = siteId ? await input.agents(siteId) : { connected: 0, jobs: [] };
  const { pendingResize, lastFailure, lease } = vm;
  return {
    version: Math.max(0, ...events.filter((e) => e.streamId === vmStream).map((e) => e.version)),
    vm: { ...toVmListItem(row), vmwareId: row.vmware_id, siteId, siteName, requestedSize: row.size },
    snapshots: vm.snapshots.map(snapshotView(now)),
    snapshotCap: input.snapshotCap,
    timeline: vmTimelineOf(
      events.filter((e) => e.streamId === vmStream),
      { admin },
    ),
    pendingResize: pendingResize && {
      approvalId: pendingResize.approvalId,
      from: pendingResize.from,
      to: pendingResize.to,
      powerCycle: pendingResize.powerCycle,
      reason: pendingResize.reason,
      requestedBy: pendingResize.requestedBy,
      requestedAt: pendingResize.requestedAt,
      approvals: progressOf(vm.policyApprovals.get(pendingResize.approvalId)),
    },
    pendingExtensionApprovals: progressOf(lease?.pending && vm.policyApprovals.get(lease.pending.approvalId)),
    lastFailure: lastFailure && {
      actionId: lastFailure.actionId,
      kind: lastFailure.kind,
      code: lastFailure.failure.code,
      userMessage: lastFailure.failure.userMessage.trim() || actionFailureMessage(lastFailure.failure.code),
      at: lastFailure.at,
    },
    actions: vmActionAvailability(vm, { snapshotCap: input.snapshotCap, agents, siteName }),
    guestTimeoutSeconds: input.guestTimeoutSeconds,
    leaseTerms: lease && {
      maxExtensionSeconds: lease.policy.maxExtensionSeconds,
      maxTotalSeconds: lease.policy.maxTotalSeconds,
      startedAt: lease.startedAt,
    },
    serverTime: now.toISOString(),
  };
}

/** "1 of 2 approvals" for a resize or extension whose policy rule asks for people, from the VM's state. */
const progressOf = (approval: PolicyApproval | null | undefined): ApprovalProgressView | null =>
  approval
    ? {
        required: approval.required,
        given: approval.approvedBy.length,
        explanation: approval.explanation,
        rejectAt: approval.rejectAt,
      }
    : null;
