import { err, ok, type Result } from "@gantry/shared/result";
import { isAdmin, type Principal } from "../auth/principal.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { getSummaryRow } from "../projections/request-queries.ts";
import type { Subscriber } from "./subscriber.ts";

/** A viewer the edge will subscribe, minus where it resumes from. */
export type AuthorizedViewer = Omit<Subscriber, "after">;

/**
 * Who may watch a request's progress: exactly who may read it through `requests.get` — the tenant's
 * admins and the member who asked. Everyone else, another tenant included, gets NOT_FOUND, the same
 * answer as for a request that does not exist.
 */
export async function authorizeProgressViewer(
  db: SqlDatabase,
  input: { principal: Principal; requestId: string },
): Promise<Result<AuthorizedViewer, { code: "NOT_FOUND" }>> {
  const { principal, requestId } = input;
  // the same read and rule as getRequestDetail, which backs requests.get
  const row = await getSummaryRow(db, { tenantId: principal.tenantId, requestId });
  if (!row || (!isAdmin(principal) && row.requester_id !== principal.userId))
    return err({ code: "NOT_FOUND" });
  return ok({
    requestId,
    tenantId: principal.tenantId,
    viewerId: principal.userId,
    seesTechnicalDetail: isAdmin(principal),
  });
}
