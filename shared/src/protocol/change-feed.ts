import { z } from "zod";
import { RequestId } from "../api/ids.ts";
import { VmRequestStatus, VmStatus } from "../domain/request-status.ts";
import { err, ok, type Result } from "../result.ts";

// The edge → browser change feed of a tenant (TenantFeed object, over tRPC `requests.changes` SSE). It
// says *that* something changed — a request's summary, a VM (its state, power, running action and its
// steps), or (for admins) a site's agents and job queue — never what it says now: clients refetch what
// they show. Every frame is `{ v, epoch, seq, type, ... }`;
// `seq` counts changes per feed incarnation (`epoch`).

/** Bump when a frame variant is added or changed; clients skip frames they cannot parse. */
export const CHANGE_FEED_PROTOCOL_VERSION = 3;

/** Identifies one incarnation of a feed's storage; a cursor from another epoch gets a `sync` frame. */
export const FeedEpoch = z.string().regex(/^[a-z0-9]{6,32}$/);

/** One request's summary moved to `status` at stream `version`; no names, no justification, no reasons. */
export const RequestChange = z
  .object({
    requestId: RequestId,
    requesterId: z.string().min(1).max(200),
    status: VmRequestStatus,
    version: z.number().int().min(1),
    at: z.string().datetime(),
  })
  .strict();
export type RequestChange = z.infer<typeof RequestChange>;

/**
 * A VM moved to stream `version`: an action was asked for, reached a step, ended; a resize waits or was
 * decided; vCenter showed a change made outside Gantry. Its owner and the tenant's admins get it.
 */
export const VmChange = z
  .object({
    vmId: RequestId,
    ownerId: z.string().min(1).max(200),
    status: VmStatus,
    version: z.number().int().min(1),
    at: z.string().datetime(),
  })
  .strict();
export type VmChange = z.infer<typeof VmChange>;

/** For admins only: what the agents page shows of a site (its agents, its job queue) changed. */
export const SiteChange = z
  .object({ siteId: z.string().min(1).max(100), at: z.string().datetime() })
  .strict();
export type SiteChange = z.infer<typeof SiteChange>;

/**
 * Since v3, to one person only: their inbox has a new notification (the bell refetches its count). Not
 * kept in the replay buffer: a reconnecting page refetches the count on `sync` anyway.
 */
export const InboxChange = z
  .object({ recipientId: z.string().min(1).max(200), at: z.string().datetime() })
  .strict();
export type InboxChange = z.infer<typeof InboxChange>;

const Envelope = z.object({
  v: z.number().int().min(1).max(1000),
  epoch: FeedEpoch,
  seq: z.number().int().min(0),
});

export const ChangeFrame = z.discriminatedUnion("type", [
  /**
   * First frame of a stream the feed cannot resume exactly (no cursor, another epoch, too far back):
   * "you are current from here on". A client that had a cursor refetches what it shows.
   */
  Envelope.extend({ type: z.literal("sync") }).strict(),
  Envelope.extend({ type: z.literal("change"), change: RequestChange }).strict(),
  Envelope.extend({ type: z.literal("site"), site: SiteChange }).strict(),
  /** since v2 */
  Envelope.extend({ type: z.literal("vm"), vm: VmChange }).strict(),
  /** since v3; `seq` is the feed's last one (an inbox frame takes no place in the buffer) */
  Envelope.extend({ type: z.literal("inbox"), inbox: InboxChange }).strict(),
]);
export type ChangeFrame = z.infer<typeof ChangeFrame>;

export type ChangeFrameProblem = { code: "MALFORMED_FRAME"; message: string };

/** Validates a frame read off the feed (the Worker reading the object, the web reading the stream). */
export function parseChangeFrame(raw: string): Result<ChangeFrame, ChangeFrameProblem> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err({ code: "MALFORMED_FRAME", message: "frame is not JSON" });
  }
  const parsed = ChangeFrame.safeParse(json);
  return parsed.success ? ok(parsed.data) : err({ code: "MALFORMED_FRAME", message: "invalid change frame" });
}

/** Where a subscriber stands in a feed: the SSE event id of `requests.changes`. */
export interface FeedCursor {
  epoch: string;
  seq: number;
}

export const formatFeedCursor = (cursor: FeedCursor): string => `${cursor.epoch}.${cursor.seq}`;

/** Reads a cursor; null for anything malformed, which the feed answers with a `sync` frame. */
export function parseFeedCursor(raw: string | null | undefined): FeedCursor | null {
  const match = /^([a-z0-9]{6,32})\.(\d{1,12})$/.exec(raw ?? "");
  if (!match?.[1] || !match[2]) return null;
  return { epoch: match[1], seq: Number(match[2]) };
}
