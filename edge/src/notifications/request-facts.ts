import type { SqlDatabase } from "../event-store/stored-event.ts";
import { requestIdOfVm } from "../provisioning/ids.ts";

/** What a notification needs to know of the request (VM) an event is about. */
export interface RequestFacts {
  requestId: string;
  tenantId: string;
  projectId: string;
  name: string;
  requesterId: string;
  requesterName: string;
  requesterEmail: string;
  /** the request's status when the notifier reads it (PENDING, APPROVED, ..., READY) */
  status: string;
}

/** A request by its id, or its VM's (they are the same: provisioning events name the VM). */
export async function readRequestFacts(
  db: SqlDatabase,
  input: { tenantId: string; id: string },
): Promise<RequestFacts | null> {
  return (
    db
      .prepare(
        `SELECT request_id AS requestId, tenant_id AS tenantId, project_id AS projectId, name,
         requester_id AS requesterId, requester_name AS requesterName, requester_email AS requesterEmail,
         status
       FROM request_summary WHERE tenant_id = ?1 AND request_id = ?2`,
      )
      // a VM shares its request's id (ids.ts): one key lookup; `OR vm_id` read the tenant's whole history
      .bind(input.tenantId, requestIdOfVm(input.id))
      .first<RequestFacts>()
  );
}
