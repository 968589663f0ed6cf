import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { TrpcContext } from "./context.ts";

// the only initTRPC in the edge; routers import the builders they are allowed to use
const t = initTRPC.context<TrpcContext>().create({
  // never send stack traces to clients (tRPC would, since Workers have no NODE_ENV); onError logs them
  isDev: false,
  // a silent stage (a long clone) must not look like a dead stream to proxies or to the client
  sse: { ping: { enabled: true, intervalMs: 20_000 }, client: { reconnectAfterInactivityMs: 45_000 } },
  // BAD_REQUEST from input validation names every offending field, in the message and as data
  errorFormatter({ shape, error }) {
    if (!(error.cause instanceof ZodError)) return shape;
    const fields = error.cause.issues.map((i) => ({
      path: i.path.join(".") || "(input)",
      message: i.message,
    }));
    const message = `invalid input: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}`;
    return { ...shape, message, data: { ...shape.data, fields } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Open to anyone; currently only liveness. */
export const publicProcedure = t.procedure;

/** Any signed-in member of a tenant; the principal is non-null downstream. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.principal && ctx.identityUnavailable)
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "the identity provider did not answer; your sign-in could not be checked, try again shortly",
    });
  if (!ctx.principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

/** Tenant admins only; a member gets FORBIDDEN. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "admins only" });
  return next();
});
