import type { InlineProjection, ProjectionTarget } from "../event-store/inline-projection.ts";
import { type SqlDatabase, streamIds } from "../event-store/stored-event.ts";
import { requestIdOfVm } from "../provisioning/ids.ts";

export const VM_NAMES = "vm_names";

/**
 * Gives a request's name back. The row is found by its key: the project and name its submission recorded
 * (the stream's first event, read by its unique key). By request id alone it would read every name the
 * tenant holds; and the summary row is not read, since inside a commit it is written last
 * (`projectCommit`).
 */
const release = (target: ProjectionTarget, tenantId: string, requestId: string) =>
  target.db
    .prepare(
      `DELETE FROM ${target.table(VM_NAMES)} WHERE tenant_id = ?1 AND request_id = ?2 AND (project_id, name) IN
         (SELECT json_extract(payload, '$.projectId'), json_extract(payload, '$.name') FROM events
          WHERE stream_id = ?3 AND version = 1)`,
    )
    .bind(tenantId, requestId, streamIds.vmRequest(requestId));

/**
 * The names a project's live requests hold (migration 0013): written in the same batch as the
 * submission, so its primary key refuses a second live request of the same name in the project even
 * when two submits race. A request gives its name back when it is rejected, cancelled or fails, and its
 * VM when it is deleted.
 */
export const vmNamesProjection: InlineProjection = {
  name: "vm-names",
  tables: [VM_NAMES],
  project(e, target) {
    const { event } = e;
    switch (event.type) {
      case "VmRequestSubmitted": {
        const { projectId, name, requestId } = event.data;
        return [
          target.db
            .prepare(
              `INSERT INTO ${target.table(VM_NAMES)} (tenant_id, project_id, name, request_id) VALUES (?, ?, ?, ?)`,
            )
            .bind(e.metadata.tenantId, projectId, name, requestId),
        ];
      }
      case "VmRequestRejected":
      case "VmRequestCancelled":
      case "VmRequestFailed":
        return [release(target, e.metadata.tenantId, event.data.requestId)];
      // a failed VM fails its request (older logs: VmRequestFailed above as well; a release is idempotent)
      case "VmProvisioningFailed":
        return [release(target, e.metadata.tenantId, requestIdOfVm(event.data.vmId))];
      // a deleted VM gives its name back too (a VM gone from vCenter keeps it: it may reappear)
      case "VmActionSucceeded":
        return event.data.kind === "delete"
          ? [release(target, e.metadata.tenantId, requestIdOfVm(event.data.vmId))]
          : [];
      default:
        return [];
    }
  },
};

/** The live request holding `name` in the project, or null when the name is free. */
export async function liveRequestNamed(
  db: SqlDatabase,
  key: { tenantId: string; projectId: string; name: string },
): Promise<string | null> {
  const row = await db
    .prepare(`SELECT request_id FROM ${VM_NAMES} WHERE tenant_id = ? AND project_id = ? AND name = ?`)
    .bind(key.tenantId, key.projectId, key.name)
    .first<{ request_id: string }>();
  return row?.request_id ?? null;
}
