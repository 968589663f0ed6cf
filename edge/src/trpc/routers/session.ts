import type { SessionUser } from "@gantry/shared/api/session";
import type { Principal } from "../../auth/principal.ts";
import type { SqlDatabase } from "../../event-store/stored-event.ts";
import { projectsApprovedBy } from "../../tenancy/project-approvers.ts";
import { getTenant } from "../../tenancy/tenants.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

async function sessionUser(db: SqlDatabase, principal: Principal): Promise<SessionUser> {
  const { userId, tenantId, email, name, role } = principal;
  const [tenant, approverOf] = await Promise.all([
    getTenant(db, tenantId),
    // an admin approves every project: only a member's own approvals are worth a read
    role === "admin" ? [] : projectsApprovedBy(db, { tenantId, userId }),
  ]);
  return { userId, tenantId, tenantName: tenant?.name ?? null, email, name, role, approverOf };
}

export const sessionRouter = router({
  /** Who the caller is; UNAUTHORIZED when signed out. */
  me: authedProcedure.query(({ ctx }) => sessionUser(ctx.deps.db, ctx.principal)),
  /**
   * Who is signed in, or null: the web app asks this on every start, and a signed-out visitor is no
   * error (a 401 would be logged in the browser's console on the sign-in page).
   */
  current: publicProcedure.query(({ ctx }) =>
    ctx.principal ? sessionUser(ctx.deps.db, ctx.principal) : null,
  ),
});
