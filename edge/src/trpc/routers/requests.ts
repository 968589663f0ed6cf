import {
  CancelRequestInput,
  CreateRequestInput,
  GetRequestInput,
  ListRequestsInput,
  type NameAvailability,
  NameAvailabilityInput,
} from "@gantry/shared/api/requests";
import { type ChangeFrame, formatFeedCursor } from "@gantry/shared/protocol/change-feed";
import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import { requestWait } from "../../agent-hub/request-wait.ts";
import { isAdmin } from "../../auth/principal.ts";
import { cancelRequest } from "../../commands/cancel-request.ts";
import { submitRequest } from "../../commands/submit-request.ts";
import { readSiteInventory } from "../../deps.ts";
import type { SqlDatabase } from "../../event-store/stored-event.ts";
import { heldStagesOf } from "../../projections/held-stages.ts";
import { getRequestDetail } from "../../projections/request-detail.ts";
import { listRequestsOf } from "../../projections/request-queries.ts";
import { liveRequestNamed } from "../../projections/vm-names.ts";
import { isOfferedNetwork, projectNetworks } from "../../tenancy/project-networks.ts";
import {
  FeedUnavailableError,
  openChangeStream,
  TooManyStreamsError,
} from "../../tenant-feed/open-change-stream.ts";
import { fieldError, tooManyStreams, toTRPCError, unwrap } from "../errors.ts";
import { authedProcedure, router } from "../trpc.ts";

export const WatchChangesInput = z
  .object({
    /** set by httpSubscriptionLink on reconnect: the `epoch.seq` id of the last event received */
    lastEventId: z.string().max(60).nullish(),
  })
  .strict()
  .prefault({});

// retryable: httpSubscriptionLink (or the web's keeper) comes back with the last event id
const feedInterrupted = (cause?: unknown) =>
  new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "change feed interrupted; resuming", cause });

// procedures are three steps: parse (zod .input), call a use-case or read model, map the result

/** Refuses a network the project's site does not offer, as a field error like any other bad input. */
async function checkNetwork(
  ctx: { env: Env; deps: { db: SqlDatabase }; principal: { tenantId: string } },
  input: { projectId: string; networkPath?: string | undefined },
): Promise<void> {
  if (input.networkPath === undefined) return;
  const networks = await projectNetworks(ctx.deps.db, {
    tenantId: ctx.principal.tenantId,
    projectId: input.projectId,
    inventoryOf: readSiteInventory(ctx.env),
  });
  // an unknown project is answered by the use-case (NOT_FOUND), not here
  if (!networks || isOfferedNetwork(networks, input.networkPath)) return;
  throw fieldError("BAD_REQUEST", {
    path: "networkPath",
    message: "is not a network of this project's site; pick one the form offers",
    input: input.networkPath,
  });
}

export const requestsRouter = router({
  /** Submits a VM request; the idempotency key makes retries return the same request id. */
  create: authedProcedure.input(CreateRequestInput).mutation(async ({ ctx, input }) => {
    await checkNetwork(ctx, input);
    const submitted = unwrap(await submitRequest(ctx.deps, { principal: ctx.principal, submission: input }));
    return { requestId: submitted.requestId, version: submitted.version };
  }),

  /**
   * Whether the name is free in the project, for the form to say so while the person types; the submit
   * checks again. Another tenant's project answers like an unknown one: nothing holds a name there.
   */
  nameAvailable: authedProcedure.input(NameAvailabilityInput).query(
    async ({ ctx, input }): Promise<NameAvailability> => ({
      available:
        (await liveRequestNamed(ctx.deps.db, { tenantId: ctx.principal.tenantId, ...input })) === null,
    }),
  ),

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
      heldStages: (job) => heldStagesOf(ctx.env, job),
    });
    if (!detail) throw toTRPCError({ code: "REQUEST_NOT_FOUND", requestId: input.requestId });
    return detail;
  }),

  /** Why an approved request's job waits, from its site's hub; same visibility as `get`. */
  waiting: authedProcedure.input(GetRequestInput).query(async ({ ctx, input }) => {
    const wait = await requestWait(ctx.env, { principal: ctx.principal, requestId: input.requestId });
    if (!wait) throw toTRPCError({ code: "REQUEST_NOT_FOUND", requestId: input.requestId });
    return wait;
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

  /**
   * The tenant's request changes as they happen, over SSE: `{ requestId, requesterId, status, version,
   * at }`, never the request itself. Admins get every request's changes, members only their own; the
   * tenant comes from the session, never from input. A fresh stream (or a resume the feed's buffer no
   * longer covers) starts with a `sync` frame; a resume with `lastEventId` gets exactly what it missed.
   * The stream never ends by itself: any end is an interruption the client resumes from.
   */
  changes: authedProcedure.input(WatchChangesInput).subscription(async function* ({ ctx, input, signal }) {
    const subscriber = {
      tenantId: ctx.principal.tenantId,
      viewerId: ctx.principal.userId,
      seesAll: isAdmin(ctx.principal),
      after: input.lastEventId ?? null,
    };
    let frames: Awaited<ReturnType<typeof openChangeStream>>;
    try {
      frames = await openChangeStream(ctx.env, subscriber, signal);
    } catch (error) {
      if (error instanceof FeedUnavailableError) throw feedInterrupted(error);
      if (error instanceof TooManyStreamsError) throw tooManyStreams();
      throw error;
    }
    for await (const frame of frames) {
      yield tracked<ChangeFrame>(formatFeedCursor(frame), frame);
    }
    if (!signal?.aborted) throw feedInterrupted();
  }),
});
