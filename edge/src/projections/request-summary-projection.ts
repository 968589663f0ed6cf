import { userMessageOf } from "@gantry/shared/domain/failure-messages";
import { isTenancyEvent } from "@gantry/shared/events/catalog";
import { leaseStartOf, type VmEvent } from "@gantry/shared/events/vm";
import { VmLifecycleEvent } from "@gantry/shared/events/vm-lifecycle";
import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import type { InlineProjection, ProjectionTarget } from "../event-store/inline-projection.ts";
import type { RecordedEvent } from "../event-store/stored-event.ts";
import { requestIdOfVm } from "../provisioning/ids.ts";
import { type ColumnValue, vmSummaryColumns } from "./vm-summary-columns.ts";

export const REQUEST_SUMMARY = "request_summary";

/** An event of a request's or its VM's stream. */
type RequestRecorded = RecordedEvent & { event: VmRequestEvent | VmEvent };

/** The request an event is about: request events name it, VM events name the VM that shares its id. */
export const requestIdOfEvent = ({ event }: Pick<RequestRecorded, "event">): string =>
  "requestId" in event.data ? event.data.requestId : requestIdOfVm(event.data.vmId);

/** A change to one request's row: the columns it sets, at the event's time. */
interface RowUpdate {
  kind: "update";
  tenantId: string;
  requestId: string;
  set: Record<string, ColumnValue>;
  at: string;
}

/** What an event writes to the summary: a row update (which a commit may merge), or a statement as is. */
export type SummaryWrite = RowUpdate | { kind: "statement"; statement: D1PreparedStatement };

const update = (e: RequestRecorded, set: Record<string, ColumnValue>): RowUpdate => ({
  kind: "update",
  tenantId: e.metadata.tenantId,
  requestId: requestIdOfEvent(e),
  set,
  at: e.occurredAt,
});

const statement = (s: D1PreparedStatement): SummaryWrite => ({ kind: "statement", statement: s });

const isCounter = (value: ColumnValue): value is { add: number } =>
  typeof value === "object" && value !== null;

// an UPDATE costs one written row whatever columns change (plus one per index whose columns change)
function toStatement(target: ProjectionTarget, write: SummaryWrite): D1PreparedStatement {
  if (write.kind === "statement") return write.statement;
  const entries = Object.entries(write.set);
  // an event with no column of its own (a first of two approvals) still marks the row as changed
  const assignments = [
    ...entries.map(([column, value]) =>
      isCounter(value) ? `${column} = max(0, ${column} + ?)` : `${column} = ?`,
    ),
    "updated_at = ?",
  ].join(", ");
  const values = entries.map(([, value]) => (isCounter(value) ? value.add : value));
  return target.db
    .prepare(
      `UPDATE ${target.table(REQUEST_SUMMARY)} SET ${assignments} WHERE tenant_id = ? AND request_id = ?`,
    )
    .bind(...values, write.at, write.tenantId, write.requestId);
}

/**
 * The writes of one commit with the updates of one row that follow each other merged into one UPDATE:
 * a provisioning report's events (the VM's stage, the request's status; READY, its lease and the request's
 * outcome) cost one written row, not one per event. Merging is exact: a later event's column replaces an
 * earlier one's; a counter change (`max(0, x + n)`, which does not add up across two events) on a column the
 * pending update already changes ends the merge, as does any other statement (it may read the row).
 */
export function mergeRowUpdates(writes: readonly SummaryWrite[]): SummaryWrite[] {
  const merged: SummaryWrite[] = [];
  for (const write of writes) {
    const last = merged.at(-1);
    const mergeable =
      write.kind === "update" &&
      last?.kind === "update" &&
      last.tenantId === write.tenantId &&
      last.requestId === write.requestId &&
      !Object.entries(write.set).some(([column, value]) => isCounter(value) && column in last.set);
    if (mergeable && last?.kind === "update" && write.kind === "update") {
      merged[merged.length - 1] = { ...last, set: { ...last.set, ...write.set }, at: write.at };
    } else merged.push(write);
  }
  return merged;
}

/**
 * A resize that failed leaves the VM as Gantry last knew it (its facts, else its request's spec): it holds
 * that against the quota again instead of the spec the resize asked for. A second write, on this rare
 * path only.
 */
const heldAsBelieved = (target: ProjectionTarget, e: RequestRecorded) =>
  statement(
    target.db
      .prepare(
        `UPDATE ${target.table(REQUEST_SUMMARY)} SET held_cpu = COALESCE(vm_cpu, cpu),
         held_memory_gb = COALESCE(vm_memory_mb / 1024, memory_gb), held_disk_gb = COALESCE(vm_disk_gb, disk_gb)
       WHERE tenant_id = ? AND request_id = ?`,
      )
      .bind(e.metadata.tenantId, requestIdOfEvent(e)),
  );

const LIFECYCLE_TYPES = new Set<string>(VmLifecycleEvent.options.map((o) => o.shape.type.value));
const isLifecycle = (e: RecordedEvent): e is RecordedEvent & { event: VmLifecycleEvent } =>
  LIFECYCLE_TYPES.has(e.event.type);

const decision = (e: RecordedEvent, reason: string | null) => ({
  version: e.version,
  decided_by: e.metadata.actorId,
  decided_by_name: e.metadata.actorName ?? null,
  decided_at: e.occurredAt,
  decision_reason: reason,
});

/** What READY writes: the VM as provisioning left it, whose life (My VMs) starts here. */
const readyColumns = (
  e: RecordedEvent,
  d: { vmwareId: string; vmName: string; hostname: string; ipAddress: string | null; warning: string | null },
) => ({
  status: "READY",
  stage: "READY",
  stage_at: e.occurredAt,
  vmware_id: d.vmwareId,
  vm_name: d.vmName,
  hostname: d.hostname,
  ip_address: d.ipAddress,
  vm_warning: d.warning,
  vm_status: "READY",
  vm_ready_at: e.occurredAt,
  vm_power_state: "poweredOn",
});

/** What one event writes to its request's row. */
function writesOf(recorded: RecordedEvent, target: ProjectionTarget): SummaryWrite[] {
  const { event } = recorded;
  // a site's, agent's or person's facts are not about any request
  if (isTenancyEvent(event)) return [];
  const e: RequestRecorded = { ...recorded, event };
  if (isLifecycle(e)) {
    const writes: SummaryWrite[] = [update(e, vmSummaryColumns(e))];
    if (event.type === "VmActionFailed" && event.data.kind === "resize")
      writes.push(heldAsBelieved(target, e));
    return writes;
  }
  switch (event.type) {
    case "VmRequestSubmitted": {
      const d = event.data;
      return [
        statement(
          target.db
            .prepare(
              `INSERT INTO ${target.table(REQUEST_SUMMARY)} (tenant_id, request_id, version, status, requester_id,
                 requester_name, requester_email, project_id, name, size, cpu, memory_gb, disk_gb, justification,
                 network_path, created_at, updated_at)
               VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(
              e.metadata.tenantId,
              d.requestId,
              e.version,
              d.requester.id,
              d.requester.name,
              d.requester.email,
              d.projectId,
              d.name,
              d.size,
              d.spec.cpu,
              d.spec.memoryGb,
              d.spec.diskGb,
              d.justification,
              d.networkPath,
              e.occurredAt,
              e.occurredAt,
            ),
        ),
      ];
    }
    // an adopted VM: its row exists from adoption (PROVISIONING until the marker is rewritten), held against the quota
    case "VmAdopted": {
      const d = event.data;
      return [
        statement(
          target.db
            .prepare(
              `INSERT INTO ${target.table(REQUEST_SUMMARY)} (tenant_id, request_id, version, status, requester_id,
                 requester_name, requester_email, project_id, name, size, cpu, memory_gb, disk_gb, justification,
                 network_path, job_id, vm_id, vmware_id, vm_name, ip_address, decided_by, decided_by_name,
                 decided_at, created_at, updated_at)
               VALUES (?, ?, ?, 'PROVISIONING', ?, ?, ?, ?, ?, 'M', ?, ?, ?, 'adopted from reconciliation', NULL,
                 ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (tenant_id, request_id) DO UPDATE SET version = excluded.version, status = 'PROVISIONING',
                 requester_id = excluded.requester_id, requester_name = excluded.requester_name,
                 requester_email = excluded.requester_email, project_id = excluded.project_id, job_id = excluded.job_id,
                 failure_code = NULL, failure_message = NULL, updated_at = excluded.updated_at`,
            )
            .bind(
              e.metadata.tenantId,
              d.requestId,
              e.version,
              d.owner.id,
              d.owner.name,
              d.owner.email,
              d.projectId,
              d.name,
              d.spec.cpu,
              d.spec.memoryGb,
              d.spec.diskGb,
              d.jobId,
              d.vmId,
              d.vmwareId,
              d.name,
              d.ipAddress,
              e.metadata.actorId,
              e.metadata.actorName ?? null,
              e.occurredAt,
              e.occurredAt,
              e.occurredAt,
            ),
        ),
      ];
    }
    case "VmRequestApproved":
      return [update(e, { status: "APPROVED", job_id: event.data.jobId, ...decision(e, null) })];
    case "VmRequestRejected":
      return [update(e, { status: "REJECTED", ...decision(e, event.data.reason) })];
    case "VmRequestCancelled":
      return [update(e, { status: "CANCELLED", ...decision(e, event.data.reason) })];
    case "VmRequestStopRequested":
      return [update(e, { version: e.version })];
    // the VM's start and outcome move its request on; older logs mirror them on the request's stream,
    // which wrote the same columns and the request stream's version
    case "VmProvisioningStarted":
      return [update(e, { status: "PROVISIONING", vm_id: event.data.vmId })];
    case "VmRequestProvisioningStarted":
      return [update(e, { status: "PROVISIONING", version: e.version, vm_id: event.data.vmId })];
    // READY, and the lease READY's event carries (one UPDATE: a commit's updates of a row merge)
    case "VmProvisioned": {
      const lease = leaseStartOf(event);
      return [
        update(e, readyColumns(e, event.data)),
        ...(lease ? [update(e, vmSummaryColumns({ ...e, event: lease }))] : []),
      ];
    }
    case "VmRequestReady":
      return [update(e, { ...readyColumns(e, event.data), version: e.version })];
    case "VmProvisioningFailed": {
      const { failure } = event.data;
      const failed: Record<string, ColumnValue> = {
        status: "FAILED",
        failure_code: failure.code,
        failure_message: userMessageOf(failure),
      };
      // a half-built VM left in vCenter is for admins to see
      if (failure.cleanupFailed) {
        failed.leftover_at = e.occurredAt;
        failed.leftover_detail = failure.technicalDetail;
      }
      return [update(e, failed)];
    }
    case "VmAdoptionFailed":
    case "VmRequestFailed":
      return [
        update(e, {
          status: "FAILED",
          version: e.version,
          failure_code: event.data.code,
          failure_message: event.data.userMessage,
        }),
      ];
    case "VmLeftoverCleared":
      return [update(e, { leftover_at: null, leftover_detail: null })];
    // an address that arrived after the VM was ready: the card and lists show it from now on
    case "VmAddressObserved":
      return [update(e, { ip_address: event.data.ipAddress })];
    // a stage is not written (a written row per stage, migration 0045): the request page reads it from
    // the stage history, the stepper from the live progress; the row says READY once the VM is
    case "VmProvisioningStageReached":
      return [];
    default:
      return [];
  }
}

/** The request list, admin queue, VM list and detail header: one row per request and its VM. */
export const requestSummaryProjection: InlineProjection = {
  name: "request-summary",
  tables: [REQUEST_SUMMARY],
  project: (recorded, target) => writesOf(recorded, target).map((w) => toStatement(target, w)),
  projectCommit: (events, target) =>
    mergeRowUpdates(events.flatMap((e) => writesOf(e, target))).map((w) => toStatement(target, w)),
};
