import { z } from "zod";
import { ProvisioningFailureCode } from "../jobs/provision-vm-job.ts";
import { ProvisioningStage } from "../jobs/provisioning-stage.ts";
import { err, ok, type Result } from "../result.ts";
import { utf8Length } from "./utf8.ts";

// The edge → browser live-progress protocol (RequestProgress object, over a WebSocket or tRPC SSE).
// Every frame is `{ v, seq, type, ... }`. `seq` counts durable frames (stage, slow, terminal) per object
// incarnation (`epoch`); percent and error frames repeat the seq of the durable state they follow.

/** Bump when a frame variant is added or changed; browsers ignore frames with a newer `v` they cannot parse. */
export const PROGRESS_PROTOCOL_VERSION = 1;

/** Browser frames above this size close the socket with 1009. */
export const MAX_BROWSER_FRAME_BYTES = 4 * 1024;

/** Close codes the progress socket uses; shared with the web, which stops reconnecting on `complete`. */
export const PROGRESS_CLOSE_CODES = {
  /** the run reached its terminal state and it was delivered */
  complete: 1000,
  policy: 1008,
  tooLarge: 1009,
  /** the object's retention ended; reconnecting rebuilds it from the log */
  expired: 4410,
} as const;

const At = z.string().datetime();
const Seq = z.number().int().min(0);
/** Identifies one incarnation of the object's storage; a cursor from another epoch gets a snapshot. */
export const ProgressEpoch = z.string().regex(/^[a-z0-9]{6,32}$/);

export const StageTiming = z.object({ stage: ProvisioningStage, startedAt: At, endedAt: At.nullable() });
export type StageTiming = z.infer<typeof StageTiming>;

/** Learned from the tenant's last successful runs of the same template and size; absent without history. */
export const ProgressEta = z.object({
  /** sum of the average durations of every stage */
  expectedTotalMs: z.number().int().min(0),
  /** server's estimate of when the run finishes; clients count down to it */
  finishAt: At,
  /** how many past runs the averages come from */
  runs: z.number().int().min(1),
});
export type ProgressEta = z.infer<typeof ProgressEta>;

export const TerminalOutcome = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("succeeded"),
    vm: z.object({
      vmwareId: z.string().max(200),
      vmName: z.string().max(200),
      hostname: z.string().max(200),
      ipAddress: z.string().max(100).nullable(),
    }),
    warning: z.string().max(500).nullable(),
  }),
  z.object({
    status: z.literal("failed"),
    code: ProvisioningFailureCode,
    userMessage: z.string().max(500),
    retriable: z.boolean(),
    cleanupFailed: z.boolean(),
    /** only in frames sent to tenant admins */
    technicalDetail: z.string().max(4000).optional(),
  }),
]);
export type TerminalOutcome = z.infer<typeof TerminalOutcome>;

export const ProgressState = z.object({
  stages: z.array(StageTiming).max(20),
  currentStage: ProvisioningStage.nullable(),
  /** ephemeral clone percent of the current stage, when known */
  percent: z.number().min(0).max(100).nullable(),
  eta: ProgressEta.nullable(),
  /** "provisioning is taking longer than usual", decided by the edge's clock */
  tooLong: z.boolean(),
  warnings: z.array(z.string().max(500)).max(20),
  terminal: z.object({ at: At, outcome: TerminalOutcome }).nullable(),
});
export type ProgressState = z.infer<typeof ProgressState>;

/** Closed set of codes in `error` frames, shared with the web. */
export const ProgressErrorCode = z.enum(["MALFORMED_FRAME", "UNKNOWN_TYPE", "INTERNAL"]);
export type ProgressErrorCode = z.infer<typeof ProgressErrorCode>;

const Envelope = z.object({ v: z.number().int().min(1).max(1000), seq: Seq });

export const ProgressFrame = z.discriminatedUnion("type", [
  /** The full state; first frame of a fresh subscription, or of a resume the object cannot serve. */
  Envelope.extend({
    type: z.literal("snapshot"),
    epoch: ProgressEpoch,
    requestId: z.string().max(100),
    serverTime: At,
    state: ProgressState,
  }),
  /** Durable: a stage started (and the previous one ended) at `at`. */
  Envelope.extend({
    type: z.literal("stage"),
    stage: ProvisioningStage,
    at: At,
    eta: ProgressEta.nullable(),
    tooLong: z.boolean(),
  }),
  /** Ephemeral and coalesced (about one per 100 ms); may be skipped, never replayed. */
  Envelope.extend({
    type: z.literal("percent"),
    stage: ProvisioningStage,
    percent: z.number().min(0).max(100),
    at: At,
  }),
  /** Durable: the run crossed both 10 minutes and twice its expected total. */
  Envelope.extend({ type: z.literal("slow"), at: At, eta: ProgressEta.nullable() }),
  /** Durable and always delivered; the last frame of a run. */
  Envelope.extend({ type: z.literal("terminal"), at: At, outcome: TerminalOutcome }),
  Envelope.extend({ type: z.literal("error"), code: ProgressErrorCode, message: z.string().max(500) }),
]);
export type ProgressFrame = z.infer<typeof ProgressFrame>;
export type ProgressFrameType = ProgressFrame["type"];

/** What a browser may send on the progress socket (besides the literal `ping`, answered with `pong`). */
export const ProgressClientFrame = z.discriminatedUnion("type", [
  /** asks for a fresh snapshot, e.g. after the web noticed a gap */
  z.object({ v: z.number().int().min(1).max(1000), type: z.literal("resync") }).strict(),
]);
export type ProgressClientFrame = z.infer<typeof ProgressClientFrame>;

export type ProgressFrameProblem =
  | { code: "TOO_LARGE"; bytes: number }
  | { code: "MALFORMED_FRAME"; message: string }
  | { code: "UNKNOWN_TYPE"; type: string };

const Head = z.object({ type: z.string().max(100) });
const CLIENT_TYPES: ReadonlySet<string> = new Set(ProgressClientFrame.options.map((o) => o.shape.type.value));

/** Validates a frame a browser sent to the progress socket (size cap first, then JSON, then schema). */
export function parseProgressClientFrame(raw: string): Result<ProgressClientFrame, ProgressFrameProblem> {
  if (raw.length * 3 > MAX_BROWSER_FRAME_BYTES) {
    const bytes = utf8Length(raw);
    if (bytes > MAX_BROWSER_FRAME_BYTES) return err({ code: "TOO_LARGE", bytes });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err({ code: "MALFORMED_FRAME", message: "frame is not JSON" });
  }
  const head = Head.safeParse(json);
  if (!head.success) return err({ code: "MALFORMED_FRAME", message: "frame has no string `type`" });
  if (!CLIENT_TYPES.has(head.data.type)) return err({ code: "UNKNOWN_TYPE", type: head.data.type });
  const parsed = ProgressClientFrame.safeParse(json);
  if (!parsed.success) return err({ code: "MALFORMED_FRAME", message: `invalid ${head.data.type}` });
  return ok(parsed.data);
}

/** Validates a frame the web received from the edge. */
export function parseProgressFrame(raw: string): Result<ProgressFrame, ProgressFrameProblem> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err({ code: "MALFORMED_FRAME", message: "frame is not JSON" });
  }
  const parsed = ProgressFrame.safeParse(json);
  return parsed.success
    ? ok(parsed.data)
    : err({ code: "MALFORMED_FRAME", message: "invalid progress frame" });
}

/** Where a subscriber stands: the epoch of its last snapshot and the seq of the last frame it got. */
export interface ProgressCursor {
  epoch: string;
  seq: number;
}

/** `epoch.seq`: the SSE event id of `progress.watch` and the `after` parameter of the socket route. */
export const formatProgressCursor = (cursor: ProgressCursor): string => `${cursor.epoch}.${cursor.seq}`;

/** Reads a cursor; null for anything malformed, which the edge answers with a snapshot. */
export function parseProgressCursor(raw: string | null | undefined): ProgressCursor | null {
  const match = /^([a-z0-9]{6,32})\.(\d{1,9})$/.exec(raw ?? "");
  if (!match?.[1] || !match[2]) return null;
  return { epoch: match[1], seq: Number(match[2]) };
}
