import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEventStore } from "../src/event-store/append-to-stream.ts";
import { EventStoreUnavailableError } from "../src/event-store/event-store-errors.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { LosesFirstResponseD1 } from "./support/d1-wrappers.ts";
import { approvedEvent, newEvent, uniqueStream } from "./support/events.ts";

const store = createEventStore(env.DB, []);
const countEvents = async (streamId: string) =>
  (
    await env.DB.prepare("SELECT count(*) AS n FROM events WHERE stream_id = ?")
      .bind(streamId)
      .first<{ n: number }>()
  )?.n;

describe("event store append", () => {
  it("appends events at consecutive versions and reports the rows written", async () => {
    const streamId = uniqueStream();
    const result = await store.append(streamId, 0, [
      newEvent(approvedEvent("r1")),
      newEvent(approvedEvent("r1")),
    ]);
    expect(result).toEqual({
      ok: true,
      value: { streams: [{ streamId, version: 2 }], rowsWritten: 4, duplicate: false },
    });
    const loaded = await readStream(env.DB, streamId);
    expect(loaded.events.map((e) => e.version)).toEqual([1, 2]);
  });

  it("rejects a stale expected version as a conflict and writes nothing", async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 0, [newEvent(approvedEvent("r1"))]);
    const stale = await store.append(streamId, 0, [newEvent(approvedEvent("r1"))]);
    expect(stale).toEqual({
      ok: false,
      error: { code: "STREAM_VERSION_CONFLICT", streamId, expectedVersion: 0, actualVersion: 1 },
    });
    expect(await countEvents(streamId)).toBe(1);
  });

  it("rejects an expected version ahead of the stream, so versions never have gaps", async () => {
    const streamId = uniqueStream();
    const ahead = await store.append(streamId, 3, [newEvent(approvedEvent("r1"))]);
    expect(ahead.ok ? null : ahead.error).toMatchObject({
      code: "STREAM_VERSION_CONFLICT",
      actualVersion: 0,
    });
    expect(await countEvents(streamId)).toBe(0);
  });

  it("treats a re-sent append with the same event ids as already done", async () => {
    const streamId = uniqueStream();
    const events = [newEvent(approvedEvent("r1")), newEvent(approvedEvent("r1"))];
    await store.append(streamId, 0, events);
    const again = await store.append(streamId, 0, events);
    expect(again).toEqual({
      ok: true,
      value: { streams: [{ streamId, version: 2 }], rowsWritten: 0, duplicate: true },
    });
    expect(await countEvents(streamId)).toBe(2);
  });

  it("never duplicates when the connection drops after the commit", async () => {
    const streamId = uniqueStream();
    const flaky = new LosesFirstResponseD1(env.DB);
    const result = await createEventStore(flaky, []).append(streamId, 0, [newEvent(approvedEvent("r1"))]);
    expect(result.ok && result.value.duplicate).toBe(true);
    expect(await countEvents(streamId)).toBe(1);
  });

  it("writes several streams and side effects atomically, or not at all", async () => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    await store.append(b, 0, [newEvent(approvedEvent("r1"))]);
    const marker = crypto.randomUUID();
    const sideEffect = env.DB.prepare("INSERT INTO tenants (id, slug, name) VALUES (?, ?, 'x')").bind(
      marker,
      marker.slice(0, 8),
    );
    const result = await store.commit({
      appends: [
        { streamId: a, expectedVersion: 0, events: [newEvent(approvedEvent("r1"))] },
        { streamId: b, expectedVersion: 0, events: [newEvent(approvedEvent("r1"))] },
      ],
      sideEffects: [sideEffect],
    });
    expect(result.ok).toBe(false);
    expect(await countEvents(a)).toBe(0);
    expect(await env.DB.prepare("SELECT id FROM tenants WHERE id = ?").bind(marker).first()).toBeNull();
  });

  it("throws a non-retryable store error when the batch fails for another reason", async () => {
    const broken = env.DB.prepare("INSERT INTO no_such_table VALUES (1)");
    await expect(
      store.commit({
        appends: [{ streamId: uniqueStream(), expectedVersion: 0, events: [newEvent(approvedEvent("r1"))] }],
        sideEffects: [broken],
      }),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it("does not take a failed batch for applied because an empty append beside it is behind", async () => {
    // a job update writes the VM's stream and an empty append to its request, whose cached version
    // may be stale; when the batch fails, only the appends with events say whether it applied
    const [vm, request] = [uniqueStream(), uniqueStream()];
    await store.append(request, 0, [newEvent(approvedEvent("r1"))]);
    const broken = env.DB.prepare("INSERT INTO no_such_table VALUES (1)");
    await expect(
      store.commit({
        appends: [
          { streamId: vm, expectedVersion: 0, events: [newEvent(approvedEvent("r1"))] },
          { streamId: request, expectedVersion: 0, events: [] },
        ],
        sideEffects: [broken],
      }),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(await countEvents(vm)).toBe(0);
  });

  it("writes nothing and succeeds when there is nothing to append", async () => {
    const streamId = uniqueStream();
    expect(await store.append(streamId, 0, [])).toEqual({
      ok: true,
      value: { streams: [{ streamId, version: 0 }], rowsWritten: 0, duplicate: false },
    });
  });
});

describe("events table", () => {
  it("refuses UPDATE and DELETE in the database itself", async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 0, [newEvent(approvedEvent("r1"))]);
    await expect(
      env.DB.prepare("UPDATE events SET type = 'x' WHERE stream_id = ?").bind(streamId).run(),
    ).rejects.toThrow(/append_only/);
    await expect(
      env.DB.prepare("DELETE FROM events WHERE stream_id = ?").bind(streamId).run(),
    ).rejects.toThrow(/append_only/);
    expect(await countEvents(streamId)).toBe(1);
  });
});
