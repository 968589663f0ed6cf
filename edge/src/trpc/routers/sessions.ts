import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { listSignedIn } from "../../auth/sessions.ts";
import { endSessionsOfPerson } from "../../commands/end-sessions.ts";
import { adminProcedure, router } from "../trpc.ts";

/** Who is signed in to the tenant, and an admin's way to sign someone out everywhere. */
export const sessionsRouter = router({
  /** People of the tenant with live sessions, latest sign-in first. */
  list: adminProcedure.input(z.object({}).strict().prefault({})).query(async ({ ctx }) => {
    const people = await listSignedIn(ctx.deps.db, {
      tenantId: ctx.principal.tenantId,
      now: ctx.deps.clock().getTime(),
    });
    return people.map((p) => ({ ...p, lastSignInAt: new Date(p.lastSignInAt).toISOString() }));
  }),

  /**
   * Ends every session of a person of the tenant at once (their next request is signed out; other
   * isolates within seconds). Recorded in the audit log. Someone of another tenant ends nothing.
   */
  end: adminProcedure
    .input(z.object({ userId: z.string().min(1).max(255) }).strict())
    .mutation(async ({ ctx, input }) => {
      const ended = await endSessionsOfPerson(ctx.deps, {
        actor: ctx.principal,
        userId: input.userId,
        reason: "ended-by-admin",
      });
      if (!ended.ok)
        throw new TRPCError({ code: "CONFLICT", message: "changed at the same moment; try again" });
      return ended.value;
    }),
});
