import type { InlineProjection } from "../event-store/inline-projection.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";

export const VM_NAMES = "vm_names";

/**
 * The names a project's live requests hold (migration 0013): written in the same batch as the
 * submission, so its primary key refuses a second live request of the same name in the project even
 * when two submits race. A request gives its name back when it is rejected, cancelled or fails.
 * Whatever later ends a ready VM's life (its deletion) must give the name back here too.
 */
export const vmNamesProjection: InlineProjection = {
  name: "vm-names",
  tables: [VM_NAMES],
  project(e, target) {
    const { event } = e;
    const table = target.table(VM_NAMES);
    switch (event.type) {
      case "VmRequestSubmitted": {
        const { projectId, name, requestId } = event.data;
        return [
          target.db
            .prepare(`INSERT INTO ${table} (tenant_id, project_id, name, request_id) VALUES (?, ?, ?, ?)`)
            .bind(e.metadata.tenantId, projectId, name, requestId),
        ];
      }
      case "VmRequestRejected":
      case "VmRequestCancelled":
      case "VmRequestFailed":
        return [
          target.db
            .prepare(`DELETE FROM ${table} WHERE tenant_id = ? AND request_id = ?`)
            .bind(e.metadata.tenantId, event.data.requestId),
        ];
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
