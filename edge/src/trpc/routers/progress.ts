import { RequestId } from "@gantry/shared/api/ids";
import {
  formatProgressCursor,
  type ProgressFrame,
  parseProgressCursor,
} from "@gantry/shared/protocol/progress";
import { TRPCError, tracked } from "@trpc/server";
import { z } from "zod";
import {
  openProgressStream,
  ProgressStreamUnavailableError,
} from "../../request-progress/open-progress-stream.ts";
import { authorizeProgressViewer } from "../../request-progress/progress-access.ts";
import { tooManyStreams } from "../errors.ts";
import { authedProcedure, router } from "../trpc.ts";

export const WatchProgressInput = z
  .object({
    requestId: RequestId,
    /** set by httpSubscriptionLink on reconnect: the `epoch.seq` id of the last event received */
    lastEventId: z.string().max(60).nullish(),
  })
  .strict();

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "request not found" });
// retryable codes make httpSubscriptionLink reconnect with the last event id instead of giving up
const interrupted = (cause?: unknown) =>
  new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "progress stream interrupted; resuming", cause });

export const progressRouter = router({
  /**
   * Live progress of one request over SSE: a snapshot first (or, when resuming with `lastEventId`, exactly
   * the frames missed since), then every frame as the RequestProgress object pushes it. Each event's id
   * is its `epoch.seq` cursor; the stream ends after the terminal frame.
   */
  watch: authedProcedure.input(WatchProgressInput).subscription(async function* ({ ctx, input, signal }) {
    const viewer = await authorizeProgressViewer(ctx.deps.db, {
      principal: ctx.principal,
      requestId: input.requestId,
    });
    if (!viewer.ok) throw notFound();
    const after = input.lastEventId ?? null;
    let opened: Awaited<ReturnType<typeof openProgressStream>>;
    try {
      opened = await openProgressStream(ctx.env.REQUEST_PROGRESS, { ...viewer.value, after }, signal);
    } catch (error) {
      if (error instanceof ProgressStreamUnavailableError) throw interrupted(error);
      throw error;
    }
    if (!opened.ok) throw opened.error.code === "TOO_MANY_STREAMS" ? tooManyStreams() : notFound();
    // a resumed stream starts in the cursor's epoch; a snapshot (always first otherwise) names its own
    let epoch = parseProgressCursor(after)?.epoch ?? null;
    for await (const frame of opened.value) {
      if (frame.type === "snapshot") epoch = frame.epoch;
      if (epoch === null) throw interrupted();
      yield tracked<ProgressFrame>(formatProgressCursor({ epoch, seq: frame.seq }), frame);
    }
    const end = await opened.value.ended;
    if (!end.complete && !signal?.aborted) throw interrupted();
  }),
});
