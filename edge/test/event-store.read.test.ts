import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEventStore } from "../src/event-store/append-to-stream.ts";
import { EventDecodeError } from "../src/event-store/event-store-errors.ts";
import { readAll } from "../src/event-store/read-all.ts";
import { readStream, readStreams, readStreamsByVersion } from "../src/event-store/read-stream.ts";
import { approvedEvent, newEvent, uniqueStream } from "./support/events.ts";

const store = createEventStore(env.DB, []);

// rows as an older (or newer) deploy would have written them, bypassing today's encoder
const insertRaw = (row: {
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  payload: unknown;
}) =>
  env.DB.prepare(
    `INSERT INTO events (stream_id, version, event_id, type, schema_version, tenant_id, payload, metadata, occurred_at)
     VALUES (?, ?, ?, ?, ?, 'acme', ?, ?, '2025-06-01T00:00:00.000Z')`,
  )
    .bind(
      row.streamId,
      row.version,
      crypto.randomUUID(),
      row.type,
      row.schemaVersion,
      JSON.stringify(row.payload),
      JSON.stringify({
        tenantId: "acme",
        actorId: "user-alice",
        actorKind: "user",
        correlationId: "c",
        causationId: null,
      }),
    )
    .run();

describe("event store reads", () => {
  it("upcasts an event stored with an older schema version", async () => {
    const streamId = uniqueStream();
    const v1 = {
      requestId: "r1",
      requester: { id: "user-alice", name: "Alice", email: "alice@acme.test" },
      projectId: "proj-acme-web",
      name: "web-01",
      size: "S",
      justification: "for the load tests",
    };
    await insertRaw({ streamId, version: 1, type: "VmRequestSubmitted", schemaVersion: 1, payload: v1 });
    const { events } = await readStream(env.DB, streamId);
    expect(events[0]?.event).toEqual({
      type: "VmRequestSubmitted",
      data: { ...v1, spec: { cpu: 2, memoryGb: 4, diskGb: 50 }, networkPath: null },
    });
  });

  it("skips event types this deploy does not know but counts them in the version", async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 0, [newEvent(approvedEvent("r1"))]);
    await insertRaw({ streamId, version: 2, type: "VmTeleported", schemaVersion: 1, payload: {} });
    const loaded = await readStream(env.DB, streamId);
    expect(loaded.version).toBe(2);
    expect(loaded.events.map((e) => e.event.type)).toEqual(["VmRequestApproved"]);
  });

  it("throws when a known event no longer matches its schema", async () => {
    const streamId = uniqueStream();
    await insertRaw({
      streamId,
      version: 1,
      type: "VmRequestApproved",
      schemaVersion: 1,
      payload: { requestId: 7 },
    });
    await expect(readStream(env.DB, streamId)).rejects.toBeInstanceOf(EventDecodeError);
  });

  it("reads an empty stream as version 0", async () => {
    expect(await readStream(env.DB, uniqueStream())).toEqual({ version: 0, events: [] });
  });

  it("loads a 10,000-event stream in order", async () => {
    const streamId = uniqueStream("big");
    // one INSERT … SELECT over a counter keeps the setup fast; the version trigger still checks every row
    await env.DB.prepare(
      `WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 10000)
       INSERT INTO events (stream_id, version, event_id, type, schema_version, tenant_id, payload, metadata, occurred_at)
       SELECT ?1, v, 'e-' || v, 'VmRequestApproved', 1, 'acme',
              json_object('requestId', 'r-' || v, 'jobId', 'job-r-' || v),
              json_object('tenantId', 'acme', 'actorId', 'user-adam', 'actorKind', 'user', 'correlationId', 'c', 'causationId', NULL),
              '2026-03-02T09:00:00.000Z'
       FROM n`,
    )
      .bind(streamId)
      .run();
    const loaded = await readStream(env.DB, streamId);
    expect(loaded.version).toBe(10_000);
    expect(loaded.events).toHaveLength(10_000);
    expect(loaded.events.every((e, i) => e.version === i + 1 && e.eventId === `e-${i + 1}`)).toBe(true);
    expect(loaded.events.at(-1)?.event).toEqual({
      type: "VmRequestApproved",
      data: { requestId: "r-10000", jobId: "job-r-10000" },
    });
  });

  it("appends long streams in chunks through the one write path", async () => {
    const streamId = uniqueStream("chunks");
    for (let version = 0; version < 2_000; version += 500) {
      const chunk = Array.from({ length: 500 }, () => newEvent(approvedEvent("r-chunk")));
      expect((await store.append(streamId, version, chunk)).ok).toBe(true);
    }
    expect((await readStream(env.DB, streamId)).version).toBe(2_000);
  });

  it("reads several streams merged in global order", async () => {
    const [a, b] = [uniqueStream(), uniqueStream()];
    await store.append(a, 0, [newEvent(approvedEvent("a1"))]);
    await store.append(b, 0, [newEvent(approvedEvent("b1"))]);
    await store.append(a, 1, [newEvent(approvedEvent("a2"))]);
    const merged = await readStreams(env.DB, [a, b]);
    expect(merged.map((e) => e.event.type === "VmRequestApproved" && e.event.data.requestId)).toEqual([
      "a1",
      "b1",
      "a2",
    ]);
    expect(await readStreams(env.DB, [])).toEqual([]);
  });

  it("reads several streams in one call, each in version order with its own version", async () => {
    const [a, b, none] = [uniqueStream(), uniqueStream(), uniqueStream()];
    await store.append(a, 0, [newEvent(approvedEvent("a1"))]);
    await store.append(b, 0, [newEvent(approvedEvent("b1")), newEvent(approvedEvent("b2"))]);
    await store.append(a, 1, [newEvent(approvedEvent("a2"))]);
    // a newer deploy's event still counts in its stream's version
    await insertRaw({ streamId: a, version: 3, type: "VmTeleported", schemaVersion: 1, payload: {} });
    const loaded = await readStreamsByVersion(env.DB, [a, b, none]);
    const ids = (id: string) =>
      loaded.get(id)?.events.map((e) => e.event.type === "VmRequestApproved" && e.event.data.requestId);
    expect(loaded.get(a)?.version).toBe(3);
    expect(ids(a)).toEqual(["a1", "a2"]);
    expect(loaded.get(b)?.version).toBe(2);
    expect(ids(b)).toEqual(["b1", "b2"]);
    expect(loaded.get(none)).toEqual({ version: 0, events: [] });
    // and the same as reading each alone
    expect(loaded.get(b)).toEqual(await readStream(env.DB, b));
  });

  it("reads streams longer than a page one by one", async () => {
    const [long, short] = [uniqueStream("long"), uniqueStream()];
    await store.append(
      long,
      0,
      Array.from({ length: 1_200 }, () => newEvent(approvedEvent("r-long"))),
    );
    await store.append(short, 0, [newEvent(approvedEvent("s1"))]);
    const loaded = await readStreamsByVersion(env.DB, [long, short]);
    expect(loaded.get(long)?.version).toBe(1_200);
    expect(loaded.get(long)?.events).toHaveLength(1_200);
    expect(loaded.get(short)?.version).toBe(1);
  });

  it("pages through the whole log after a position", async () => {
    const streamId = uniqueStream();
    await store.append(streamId, 0, [newEvent(approvedEvent("p1")), newEvent(approvedEvent("p2"))]);
    const { events } = await readStream(env.DB, streamId);
    const first = events[0]?.position ?? 0;
    const page = await readAll(env.DB, { after: first - 1, limit: 1 });
    expect(page).toMatchObject({ lastPosition: first, done: false });
    expect(page.events[0]?.eventId).toBe(events[0]?.eventId);
  });
});
