import { env, exports } from "cloudflare:workers";
import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { parseProgressFrame } from "@gantry/shared/protocol/progress";
import type { Principal } from "../src/auth/principal.ts";
import { FrameReader } from "./progress-fixtures.ts";
import { sessionCookieFor } from "./support/sessions.ts";

// reaching the progress routes the way browsers do: through the Worker's fetch, with a session cookie

export const ORIGIN = "http://127.0.0.1:8787";

export const cookieFor = (principal: Principal): Promise<string> => sessionCookieFor(env.DB, principal);

export interface SseEvent {
  event: string | null;
  id: string | null;
  data: string;
}

/** Reads a text/event-stream response event by event. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(readonly response: Response) {
    if (!response.body) throw new Error("expected a streaming body");
    this.#reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event, or null when the stream ended. */
  async next(): Promise<SseEvent | null> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        if (block.trim() === "") continue;
        return parseBlock(block);
      }
      const { value, done } = await this.#reader.read();
      if (done) return null;
      this.#buffer += value;
    }
  }

  /** The next data event carrying a progress frame, skipping `connected` and pings. */
  async nextFrame(): Promise<{ id: string | null; frame: ProgressFrame }> {
    for (;;) {
      const event = await this.next();
      if (!event) throw new Error("stream ended before the next frame");
      if (event.event !== null) {
        if (event.event === "connected" || event.event === "ping") continue;
        throw new Error(`expected a frame, got ${event.event}: ${event.data}`);
      }
      const parsed = parseProgressFrame(event.data);
      if (!parsed.ok) throw new Error(`not a progress frame: ${event.data}`);
      return { id: event.id, frame: parsed.value };
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}

function parseBlock(block: string): SseEvent {
  const event: SseEvent = { event: null, id: null, data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event.event = value;
    else if (field === "id") event.id = value;
    else if (field === "data") event.data += value;
  }
  return event;
}

/** Opens `progress.watch` over SSE as httpSubscriptionLink does (a GET with the input in the query). */
export async function watch(
  principal: Principal | null,
  input: { requestId: string; lastEventId?: string },
): Promise<SseReader> {
  const query = new URLSearchParams({ input: JSON.stringify(input) });
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (principal) headers.cookie = await cookieFor(principal);
  const res = await exports.default.fetch(`http://edge.test/trpc/progress.watch?${query}`, { headers });
  return new SseReader(res);
}

/** Opens the browser WebSocket route through the Worker. */
export async function connect(
  principal: Principal | null,
  input: { requestId: string; after?: string; origin?: string | null },
): Promise<Response> {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (input.origin !== null) headers.origin = input.origin ?? ORIGIN;
  if (principal) headers.cookie = await cookieFor(principal);
  const after = input.after === undefined ? "" : `?after=${encodeURIComponent(input.after)}`;
  return exports.default.fetch(`http://edge.test/progress/${input.requestId}/connect${after}`, { headers });
}

export async function connectReader(principal: Principal, input: { requestId: string; after?: string }) {
  const res = await connect(principal, input);
  if (!res.webSocket) throw new Error(`expected an upgrade, got ${res.status} ${await res.text()}`);
  return new FrameReader(res.webSocket);
}
