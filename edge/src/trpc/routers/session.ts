import type { SessionUser } from "@gantry/shared/api/session";
import { getTenant } from "../../tenancy/tenants.ts";
import { authedProcedure, router } from "../trpc.ts";

export const sessionRouter = router({
  /** Who the caller is; UNAUTHORIZED when signed out, so the web shows its sign-in page. */
  me: authedProcedure.query(async ({ ctx }): Promise<SessionUser> => {
    const { userId, tenantId, email, name, role } = ctx.principal;
    const tenant = await getTenant(ctx.deps.db, tenantId);
    return { userId, tenantId, tenantName: tenant?.name ?? null, email, name, role };
  }),
});
