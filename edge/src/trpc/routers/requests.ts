import {
  CancelRequestInput,
  CreateRequestInput,
  GetRequestInput,
  ListRequestsInput,
} from "@gantry/shared/api/requests";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { isOfferedNetwork, projectNetworks } from "../../agents/project-networks.ts";
import type { SqlDatabase } from "../../event-store/stored-event.ts";
import { getRequestDetail } from "../../projections/request-detail.ts";
import { listRequestsOf } from "../../projections/request-queries.ts";
import { cancelRequest } from "../../provisioning/cancel-request.ts";
import { submitRequest } from "../../provisioning/submit-request.ts";
import { toTRPCError, unwrap } from "../errors.ts";
import { authedProcedure, router } from "../trpc.ts";

// procedures are three steps: parse (zod .input), call a use-case or read model, map the result

/** Refuses a network the project's site does not offer, as a field error like any other bad input. */
async function checkNetwork(
  ctx: { env: Env; deps: { db: SqlDatabase }; principal: { tenantId: string } },
  input: { projectId: string; networkPath?: string | undefined },
): Promise<void> {
  if (input.networkPath === undefined) return;
  const scope = { tenantId: ctx.principal.tenantId, projectId: input.projectId };
  const networks = await projectNetworks(ctx.env, ctx.deps.db, scope);
  // an unknown project is answered by the use-case (NOT_FOUND), not here
  if (!networks || isOfferedNetwork(networks, input.networkPath)) return;
  const message = "is not a network of this project's site; pick one the form offers";
  throw new TRPCError({
    code: "BAD_REQUEST",
    message: `networkPath ${message}`,
    cause: new ZodError([{ code: "custom", path: ["networkPath"], message, input: input.networkPath }]),
  });
}

export const requestsRouter = router({
  /** Submits a VM request; the idempotency key makes retries return the same request id. */
  create: authedProcedure.input(CreateRequestInput).mutation(async ({ ctx, input }) => {
    await checkNetwork(ctx, input);
    const submitted = unwrap(await submitRequest(ctx.deps, { principal: ctx.principal, submission: input }));
    return { requestId: submitted.requestId, version: submitted.version };
  }),

  /** The caller's own requests, newest first. */
  list: authedProcedure.input(ListRequestsInput).query(({ ctx, input }) =>
    listRequestsOf(ctx.deps.db, {
      ...input,
      tenantId: ctx.principal.tenantId,
      requesterId: ctx.principal.userId,
    }),
  ),

  /** One request with its timeline; admins also get who asked and their recent requests. */
  get: authedProcedure.input(GetRequestInput).query(async ({ ctx, input }) => {
    const detail = await getRequestDetail(ctx.deps.db, {
      principal: ctx.principal,
      requestId: input.requestId,
      now: ctx.deps.clock(),
    });
    if (!detail) throw toTRPCError({ code: "REQUEST_NOT_FOUND", requestId: input.requestId });
    return detail;
  }),

  /** Withdraws the caller's pending request; repeating it is harmless. */
  cancel: authedProcedure.input(CancelRequestInput).mutation(async ({ ctx, input }) =>
    unwrap(
      await cancelRequest(ctx.deps, {
        principal: ctx.principal,
        requestId: input.requestId,
        reason: input.reason || null,
      }),
    ),
  ),
});
