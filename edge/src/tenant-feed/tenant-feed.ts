import { DurableObject } from "cloudflare:workers";
import {
  CHANGE_FEED_PROTOCOL_VERSION,
  type ChangeFrame,
  InboxChange,
  RequestChange,
  SiteChange,
  VmChange,
} from "@gantry/shared/protocol/change-feed";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { logEvent } from "../log.ts";
import { TenantFeedStore } from "./feed-store.ts";
import { readFeedSubscriber } from "./feed-subscriber.ts";

/** Who publishes: the Worker names the tenant whose append committed; the object pins the first it sees. */
export const FeedOrigin = z.object({ tenantId: z.string().min(1).max(100) }).strict();
export type FeedOrigin = z.infer<typeof FeedOrigin>;

export type FeedPublishError =
  | { code: "INVALID_CHANGE"; message: string }
  /** the change names another tenant than the one this object serves */
  | { code: "WRONG_OBJECT"; message: string };

export interface FeedReceipt {
  seq: number;
  /** false for a repeated or out-of-order notification (the buffer has this or a newer version) */
  applied: boolean;
}

/** Subscribers one tenant's feed accepts; beyond it, new ones are refused (the client retries later). */
export const MAX_FEED_SUBSCRIBERS = 10_000;

/**
 * Streams one person may hold open on the feed (a tab each, with room for reconnects): beyond it their
 * next one is refused with 429, so no member can use up the tenant's cap and lock everyone else out.
 */
export const MAX_FEED_SUBSCRIBERS_PER_PERSON = 20;

/** Admin sockets get every change; a member's socket only changes of their own requests. */
const ALL_TAG = "all";
const viewerTag = (viewerId: string) => `viewer:${viewerId}`;
/** Every socket, admin's or member's, also carries its person's tag: what the per-person cap counts. */
const personTag = (viewerId: string) => `person:${viewerId}`;

/** Socket close codes; shared with nobody but the Worker that reads the socket. */
const CLOSE = { policy: 1008, tooLarge: 1009 } as const;

/**
 * Responsibilities: one object per tenant (`tenant:<tenantId>`), a change feed of request summaries
 * and VMs (`publishVm`: a VM's owner and the admins get it).
 * - Receives `publish(change)` over RPC after an append committed in D1 (and `publishSite` from a
 *   site's AgentHub), keeps it in a bounded replay buffer in SQLite and pushes it at once to the
 *   hibernatable sockets allowed to see it: admins' everything, members' only their own requests' changes.
 *   It never reads or writes D1.
 * - Resumes a subscriber from its cursor out of the buffer, or starts it with a `sync` frame so it
 *   refetches. It is a cache of nothing: losing it (or its buffer) costs clients one refetch.
 * - Holds no timers and no in-memory state that matters, so it hibernates between changes.
 */
export class TenantFeed extends DurableObject<Env> {
  readonly #store: TenantFeedStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new TenantFeedStore(ctx.storage.sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Buffers one change and pushes it to the subscribers who may see it. Idempotent per request version. */
  async publish(change: RequestChange, origin: FeedOrigin): Promise<Result<FeedReceipt, FeedPublishError>> {
    const parsed = RequestChange.safeParse(change);
    const from = FeedOrigin.safeParse(origin);
    if (!parsed.success || !from.success) {
      return err({
        code: "INVALID_CHANGE",
        message: "publish(change, { tenantId }) did not match its schema",
      });
    }
    if (!this.#store.pinTenant(from.data.tenantId)) {
      logEvent("warn", "feed publish refused", { requestId: parsed.data.requestId });
      return err({ code: "WRONG_OBJECT", message: "this object serves another tenant" });
    }
    const frame = this.#store.appendChange(parsed.data);
    if (!frame) return ok({ seq: this.#store.lastSeq, applied: false });
    this.#broadcast(frame, [ALL_TAG, viewerTag(parsed.data.requesterId)]);
    return ok({ seq: frame.seq, applied: true });
  }

  /** Buffers one VM change and pushes it to its owner and the tenant's admins. Idempotent per VM version. */
  async publishVm(change: VmChange, origin: FeedOrigin): Promise<Result<FeedReceipt, FeedPublishError>> {
    const parsed = VmChange.safeParse(change);
    const from = FeedOrigin.safeParse(origin);
    if (!parsed.success || !from.success) {
      return err({
        code: "INVALID_CHANGE",
        message: "publishVm(change, { tenantId }) did not match its schema",
      });
    }
    if (!this.#store.pinTenant(from.data.tenantId)) {
      logEvent("warn", "feed publish refused", { vmId: parsed.data.vmId });
      return err({ code: "WRONG_OBJECT", message: "this object serves another tenant" });
    }
    const frame = this.#store.appendVm(parsed.data);
    if (!frame) return ok({ seq: this.#store.lastSeq, applied: false });
    this.#broadcast(frame, [ALL_TAG, viewerTag(parsed.data.ownerId)]);
    return ok({ seq: frame.seq, applied: true });
  }

  /** Buffers a change of a site's agents or job queue and pushes it to the tenant's admins only. */
  async publishSite(site: SiteChange, origin: FeedOrigin): Promise<Result<FeedReceipt, FeedPublishError>> {
    const parsed = SiteChange.safeParse(site);
    const from = FeedOrigin.safeParse(origin);
    if (!parsed.success || !from.success) {
      return err({
        code: "INVALID_CHANGE",
        message: "publishSite(site, { tenantId }) did not match its schema",
      });
    }
    if (!this.#store.pinTenant(from.data.tenantId)) {
      logEvent("warn", "feed publish refused", { siteId: parsed.data.siteId });
      return err({ code: "WRONG_OBJECT", message: "this object serves another tenant" });
    }
    const frame = this.#store.appendSite(parsed.data);
    this.#broadcast(frame, [ALL_TAG]);
    return ok({ seq: frame.seq, applied: true });
  }

  /**
   * Tells one person's open pages that their inbox changed. Not buffered: it is pushed to that person's
   * sockets only, and a page that missed it refetches the count on its next `sync`.
   */
  async publishInbox(
    change: InboxChange,
    origin: FeedOrigin,
  ): Promise<Result<FeedReceipt, FeedPublishError>> {
    const parsed = InboxChange.safeParse(change);
    const from = FeedOrigin.safeParse(origin);
    if (!parsed.success || !from.success) {
      return err({
        code: "INVALID_CHANGE",
        message: "publishInbox(change, { tenantId }) did not match its schema",
      });
    }
    if (!this.#store.pinTenant(from.data.tenantId)) {
      return err({ code: "WRONG_OBJECT", message: "this object serves another tenant" });
    }
    const seq = this.#store.lastSeq;
    const frame: ChangeFrame = {
      v: CHANGE_FEED_PROTOCOL_VERSION,
      epoch: this.#store.epoch,
      seq,
      type: "inbox",
      inbox: parsed.data,
    };
    this.#broadcast(frame, [personTag(parsed.data.recipientId)]);
    return ok({ seq, applied: true });
  }

  /** Only for WebSocket upgrades from this Worker, carrying the already-authorized subscriber. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const subscriber = readFeedSubscriber(request);
    if (!subscriber) return new Response("invalid subscriber", { status: 400 });
    if (!this.#store.pinTenant(subscriber.tenantId)) {
      logEvent("warn", "feed subscriber of another tenant refused", { viewerId: subscriber.viewerId });
      return new Response("not found", { status: 404 });
    }
    if (this.ctx.getWebSockets(personTag(subscriber.viewerId)).length >= MAX_FEED_SUBSCRIBERS_PER_PERSON) {
      logEvent("warn", "feed subscriber over the per-person cap", { viewerId: subscriber.viewerId });
      return new Response("too many live streams for this person", { status: 429 });
    }
    if (this.ctx.getWebSockets().length >= MAX_FEED_SUBSCRIBERS) {
      return new Response("too many subscribers", { status: 503 });
    }
    // no await from here on: the replay and the accept see the same buffer, so no change falls between
    const frames = this.#store.framesFor(subscriber);
    const { 0: client, 1: server } = new WebSocketPair();
    const audience = subscriber.seesAll ? ALL_TAG : viewerTag(subscriber.viewerId);
    this.ctx.acceptWebSocket(server, [audience, personTag(subscriber.viewerId)]);
    for (const frame of frames) trySend(server, JSON.stringify(frame));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The Worker never sends anything but pings (answered by the runtime): anything else closes the socket. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const size = typeof message === "string" ? message.length : message.byteLength;
    try {
      if (size > 4096) ws.close(CLOSE.tooLarge, "frame too large");
      else ws.close(CLOSE.policy, "subscribers send nothing");
    } catch {
      // already closing; never let a subscriber's frame throw out of the object
    }
  }

  /** `tags` name disjoint sets of sockets (admins', one member's), so nobody gets a frame twice. */
  #broadcast(frame: ChangeFrame, tags: readonly string[]): void {
    const raw = JSON.stringify(frame);
    for (const tag of tags) {
      for (const ws of this.ctx.getWebSockets(tag)) trySend(ws, raw);
    }
  }
}

/** A send to a socket that is closing throws; that subscriber is gone and resumes on reconnect. */
function trySend(ws: WebSocket, raw: string): void {
  try {
    ws.send(raw);
  } catch {
    // gone
  }
}
