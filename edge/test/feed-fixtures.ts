import { env, exports } from "cloudflare:workers";
import type { ChangeFrame, RequestChange } from "@gantry/shared/protocol/change-feed";
import { parseChangeFrame } from "@gantry/shared/protocol/change-feed";
import { z } from "zod";
import type { Principal } from "../src/auth/principal.ts";
import { tenantFeed } from "../src/stubs.ts";
import { type FeedSubscriber, feedSubscriberUpgrade } from "../src/tenant-feed/feed-subscriber.ts";
import { cookieFor, SseReader } from "./progress-http-fixtures.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import type { TestWorkflow } from "./support/test-deps.ts";
import type { TestTenant } from "./support/test-tenant.ts";

// reaching the change feed the way browsers do: `requests.changes` over SSE through the Worker's fetch

export const feedStub = (tenantId: string) => tenantFeed(env, tenantId);

/** Reads `requests.changes` event by event, skipping `connected` and pings. */
export class ChangeReader {
  constructor(readonly sse: SseReader) {}

  /**
   * The next frame. `inbox` frames (the bell) are skipped unless asked for: the notifier pushes them
   * whenever it catches up on the log, which may be in the middle of a test about request changes.
   */
  async next(options: { inbox?: boolean } = {}): Promise<{ id: string | null; frame: ChangeFrame }> {
    for (;;) {
      const event = await this.sse.next();
      if (!event) throw new Error("stream ended before the next frame");
      if (event.event === "connected" || event.event === "ping") continue;
      if (event.event !== null) throw new Error(`expected a frame, got ${event.event}: ${event.data}`);
      const parsed = parseChangeFrame(event.data);
      if (!parsed.ok) throw new Error(`not a change frame: ${event.data}`);
      if (parsed.value.type === "inbox" && !options.inbox) continue;
      return { id: event.id, frame: parsed.value };
    }
  }

  /** The next `change` frame's change (skipping nothing else: a `sync` here fails the test). */
  async nextChange() {
    const { id, frame } = await this.next();
    if (frame.type !== "change") throw new Error(`expected a change, got ${JSON.stringify(frame)}`);
    return { id, ...frame.change };
  }

  /** The error tRPC sends inside the stream (the response is 200 once the stream starts). */
  async error(): Promise<z.infer<typeof SerializedError>> {
    for (;;) {
      const event = await this.sse.next();
      if (!event) throw new Error("stream ended without an error");
      if (event.event === "serialized-error") return SerializedError.parse(JSON.parse(event.data));
      if (event.event === null) throw new Error(`expected an error, got data ${event.data}`);
    }
  }

  cancel(): Promise<void> {
    return this.sse.cancel();
  }
}

const SerializedError = z.object({
  message: z.string(),
  data: z.object({ code: z.string(), httpStatus: z.number() }).loose(),
});

/** Opens `requests.changes` as httpSubscriptionLink does (a GET with the input in the query). */
export async function watchChanges(
  principal: Principal | null,
  input: { lastEventId?: string } | Record<string, unknown> = {},
): Promise<ChangeReader> {
  const query = new URLSearchParams({ input: JSON.stringify(input) });
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (principal) headers.cookie = await cookieFor(principal);
  const res = await exports.default.fetch(`http://edge.test/trpc/requests.changes?${query}`, { headers });
  return new ChangeReader(new SseReader(res));
}

/** Opens the stream and reads its first frame, which must be the `sync` that says "current from here". */
export async function watchFromNow(principal: Principal): Promise<{ reader: ChangeReader; id: string }> {
  const reader = await watchChanges(principal);
  const { id, frame } = await reader.next();
  if (frame.type !== "sync" || !id)
    throw new Error(`expected a sync frame first, got ${JSON.stringify(frame)}`);
  return { reader, id };
}

/** Submits a request as `principal` and waits for its notification to reach the feed. */
export async function submitAs(w: TestWorkflow, principal: Principal, t: TestTenant) {
  const created = await callerFor(principal, w).requests.create(requestInput(t.projectId));
  await w.settle();
  return created;
}

/** Approves as the tenant's admin and waits for the notification (and the relay) to finish. */
export async function approveAs(
  w: TestWorkflow,
  admin: Principal,
  request: { requestId: string; version: number },
) {
  const approved = await callerFor(admin, w).approvals.approve({
    requestId: request.requestId,
    expectedVersion: request.version,
  });
  await w.settle();
  return approved;
}

let changes = 0;
/** A change as the Worker would publish it; `version` defaults to one more than any before. */
export const change = (overrides: Partial<RequestChange> = {}): RequestChange => ({
  requestId: `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`,
  requesterId: "user-mia",
  status: "PENDING",
  version: ++changes,
  at: new Date().toISOString(),
  ...overrides,
});

/** A subscriber socket straight to the object, as `requests.changes` opens after authorizing. */
export class FeedSocket {
  readonly frames: ChangeFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #read = 0;
  #wake: (() => void) | null = null;
  #isClosed = false;

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        this.#isClosed = true;
        this.#wake?.();
        resolve({ code: event.code, reason: event.reason });
      });
    });
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      const parsed = parseChangeFrame(event.data);
      // the notifier's bell frames may land in any test of the feed; these tests are about changes
      if (parsed.ok && parsed.value.type !== "inbox") this.frames.push(parsed.value);
      this.#wake?.();
    });
    ws.accept();
  }

  /** The next frame not yet taken; rejects when the socket closes first. */
  async next(): Promise<ChangeFrame> {
    while (this.#read >= this.frames.length) {
      if (this.#isClosed) throw new Error(`socket closed after ${this.frames.length} frames`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    const frame = this.frames[this.#read++];
    if (!frame) throw new Error("unreachable: frame index out of range");
    return frame;
  }
}

export async function subscribeFeed(who: FeedSubscriber): Promise<FeedSocket> {
  const res = await feedStub(who.tenantId).fetch(feedSubscriberUpgrade(who));
  if (!res.webSocket) throw new Error(`expected an upgrade, got ${res.status}`);
  return new FeedSocket(res.webSocket);
}
