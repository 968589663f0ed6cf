import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DurableFrame } from "../src/request-progress/apply-transition.ts";
import { progressConfig } from "../src/request-progress/progress-config.ts";
import { initialFacts } from "../src/request-progress/progress-facts.ts";
import { REPLAY_BUFFER_FRAMES, RequestProgressStore } from "../src/request-progress/progress-store.ts";
import { progressStub, uniqueId } from "./progress-fixtures.ts";

// a run that started just now: inside the "taking longer than usual" threshold
const at = new Date().toISOString();
const facts = (lastSeq: number) => ({
  ...initialFacts({ requestId: "req-1", tenantId: "tenant-a", epoch: "abcdef123456", stats: null, now: 0 }),
  lastSeq,
});
const slowFrame = (seq: number): DurableFrame => ({ v: 1, seq, type: "slow", at, eta: null });

/** Runs `body` against a store over a fresh object's SQLite. */
function withStore<T>(body: (store: RequestProgressStore, sql: SqlStorage) => T): Promise<T> {
  return runInDurableObject(progressStub(uniqueId("store")), (_instance, state) => {
    const store = new RequestProgressStore(state.storage.sql);
    store.ensureSchema();
    return body(store, state.storage.sql);
  });
}

describe("RequestProgressStore", () => {
  it("has no facts before the first save, then returns what was saved", async () => {
    const [before, after] = await withStore((store) => {
      const empty = store.loadFacts();
      store.save(facts(2), [slowFrame(1), slowFrame(2)]);
      return [empty, store.loadFacts()];
    });
    expect(before).toBeNull();
    expect(after).toEqual(facts(2));
  });

  it("replays the frames after a seq, oldest first", async () => {
    const frames = await withStore((store) => {
      store.save(facts(3), [slowFrame(1), slowFrame(2), slowFrame(3)]);
      return store.framesAfter(1);
    });
    expect(frames?.map((f) => f.seq)).toEqual([2, 3]);
  });

  it("keeps a bounded buffer and says when a cursor falls before it", async () => {
    const total = REPLAY_BUFFER_FRAMES + 20;
    const [tooOld, oldestKept] = await withStore((store) => {
      store.save(
        facts(total),
        Array.from({ length: total }, (_, i) => slowFrame(i + 1)),
      );
      return [store.framesAfter(5), store.framesAfter(20)];
    });
    expect(tooOld).toBeNull();
    expect(oldestKept).toHaveLength(REPLAY_BUFFER_FRAMES);
  });

  it("starts a new incarnation without the previous epoch's frames", async () => {
    const frames = await withStore((store) => {
      store.save(facts(5), [slowFrame(4), slowFrame(5)]);
      store.replaceAll(facts(1), [slowFrame(1)]);
      return store.framesAfter(0);
    });
    expect(frames?.map((f) => f.seq)).toEqual([1]);
  });

  it("refuses a stored row that no longer matches the facts' shape", async () => {
    const load = withStore((store, sql) => {
      sql.exec(
        "INSERT INTO progress_facts (id, facts) VALUES (1, ?)",
        JSON.stringify({ requestId: "req-1" }),
      );
      return store.loadFacts();
    });
    await expect(load).rejects.toThrow();
  });

  it("rebuilds an object whose stored facts no longer parse instead of failing", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish({ kind: "stage", requestId, stage: "CLONING", at }, { tenantId: "tenant-a" });
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE progress_facts SET facts = '{}' WHERE id = 1");
    });
    await evictDurableObject(stub);
    const receipt = await stub.publish(
      { kind: "stage", requestId, stage: "CONFIGURING", at },
      { tenantId: "tenant-a" },
    );
    expect(receipt).toEqual({ ok: true, value: { seq: 1, applied: true } });
  });
});

describe("progressConfig", () => {
  it("keeps a finished run for a day unless told otherwise", () => {
    expect(progressConfig({}).retentionMs).toBe(86_400_000);
    expect(progressConfig({ PROGRESS_RETENTION_SECONDS: "60" }).retentionMs).toBe(60_000);
  });

  it("says a run is taking longer than usual after ten minutes at the soonest, unless told otherwise", () => {
    expect(progressConfig({}).slowFloorMs).toBe(600_000);
    expect(progressConfig({ PROGRESS_SLOW_FLOOR_SECONDS: "2" }).slowFloorMs).toBe(2000);
  });

  it("names a retention that is not a positive number of seconds", () => {
    expect(() => progressConfig({ PROGRESS_RETENTION_SECONDS: "0" })).toThrow(
      /invalid progress configuration/,
    );
  });
});
