import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { scopeNeeded, tokenHolds } from "../auth/token-scopes.ts";
import { EventStoreUnavailableError, isTransientD1Error } from "../event-store/event-store-errors.ts";
import { projectsApprovedBy } from "../tenancy/project-approvers.ts";
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

/**
 * D1 busy ("overloaded") or unreachable is a clear, retryable answer (503) instead of an opaque 500.
 * Every write is safe to repeat: the event store re-sends the same event ids, and a repeat finds
 * what landed (an approval answers as done, a submission by its idempotency key).
 */
const storeUnavailable = t.middleware(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? null : result.error.cause;
  const store = cause instanceof EventStoreUnavailableError;
  // a read that met the same trouble (D1 unreachable or overloaded) answers the same way
  if (!store && !(cause instanceof Error && isTransientD1Error(cause))) return result;
  const retryable = store ? cause.retryable : true;
  throw new TRPCError({
    code: retryable ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR",
    message: retryable
      ? "the database is busy or did not answer; try again in a moment (repeating this is safe)"
      : "the database refused the change",
    cause,
  });
});

/** Open to anyone; currently only liveness. */
export const publicProcedure = t.procedure.use(storeUnavailable);

/** Someone is signed in (or presents a token); the principal is non-null downstream. */
const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal && ctx.identityUnavailable)
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "the identity provider did not answer; your sign-in could not be checked, try again shortly",
    });
  if (!ctx.principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

/** A personal API token reaches only the procedures its scopes allow (token-scopes.ts). */
const withinTokenScope = (adminOnly: boolean) =>
  t.middleware(({ ctx, path, type, next }) => {
    const grant = ctx.principal?.token;
    if (!grant) return next();
    const needed = scopeNeeded({ path, type, adminOnly });
    if (needed === null)
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `${path} needs a signed-in person, not an API token`,
      });
    if (!tokenHolds(grant.scopes, needed))
      throw new TRPCError({ code: "FORBIDDEN", message: `this API token lacks the "${needed}" scope` });
    return next();
  });

/** Any signed-in member of a tenant; the principal is non-null downstream. */
export const authedProcedure = signedInProcedure.use(withinTokenScope(false));

/** Tenant admins only; a member gets FORBIDDEN. */
export const adminProcedure = signedInProcedure
  .use(({ ctx, next }) => {
    if (ctx.principal.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "admins only" });
    return next();
  })
  .use(withinTokenScope(true));

/**
 * Tenant admins and project approvers (issue 17): `approverOf` is null for an admin (every project), else
 * the projects the person approves; someone who approves none gets FORBIDDEN.
 */
export const approverProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.principal.role === "admin") return next({ ctx: { approverOf: null } });
  const approverOf = await projectsApprovedBy(ctx.env.DB, ctx.principal);
  if (approverOf.length === 0)
    throw new TRPCError({ code: "FORBIDDEN", message: "tenant admins and project approvers only" });
  return next({ ctx: { approverOf } });
});

/** What an approver's queue may show: a tenant admin (null) every project's, a project approver theirs. */
export const onlyTheirProjects = (approverOf: readonly string[] | null) =>
  approverOf === null ? {} : { onlyProjects: approverOf };
