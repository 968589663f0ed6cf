import { describe, expect, it } from "vitest";
import { SLOW_FLOOR_MS } from "../src/projections/eta.ts";
import {
  applyTransition,
  isExpired,
  markSlowIfDue,
  needsReconcile,
  nextWakeUp,
  recheckAt,
} from "../src/request-progress/apply-transition.ts";
import { initialFacts, type ProgressFacts } from "../src/request-progress/progress-facts.ts";
import { catchUpWithLog, rebuildFromLog } from "../src/request-progress/rebuild.ts";
import { renderFor } from "../src/request-progress/render-frame.ts";
import { buildSnapshot } from "../src/request-progress/snapshot.ts";
import { failedUpdate, oneMinuteRuns, stageUpdate, succeededUpdate } from "./progress-fixtures.ts";

const t0 = Date.parse("2026-11-22T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const clock = { now: t0, retentionMs: 1000 };
const keeping = { abandonedAfterMs: 5000, reconcileAfterMs: 60_000, reconcileMaxMs: 3_600_000 };
const fresh = (stats: ProgressFacts["stats"] = null) =>
  initialFacts({ requestId: "req-1", tenantId: "tenant-a", epoch: "abcdef123456", stats, now: t0 });

describe("applyTransition", () => {
  it("opens a stage, closes the previous one at the same instant and numbers the frame", () => {
    const first = applyTransition(fresh(), stageUpdate("req-1", "CLONING", iso(t0)), clock);
    const second = applyTransition(first.facts, stageUpdate("req-1", "CONFIGURING", iso(t0 + 5)), clock);
    expect(second.facts.stages).toEqual([
      { stage: "CLONING", startedAt: iso(t0), endedAt: iso(t0 + 5) },
      { stage: "CONFIGURING", startedAt: iso(t0 + 5), endedAt: null },
    ]);
    expect(second.frames).toEqual([
      { v: 1, seq: 2, type: "stage", stage: "CONFIGURING", at: iso(t0 + 5), eta: null, tooLong: false },
    ]);
  });

  it("returns the same facts for a stage at or behind the newest", () => {
    const { facts } = applyTransition(fresh(), stageUpdate("req-1", "POWERING_ON"), clock);
    expect(applyTransition(facts, stageUpdate("req-1", "POWERING_ON"), clock)).toEqual({ facts, frames: [] });
    expect(applyTransition(facts, stageUpdate("req-1", "CLONING"), clock)).toEqual({ facts, frames: [] });
  });

  it("ends the run on success with the VM's warning and a retention deadline", () => {
    const { facts } = applyTransition(fresh(), stageUpdate("req-1", "READY", iso(t0)), clock);
    const done = applyTransition(facts, succeededUpdate("req-1", "no IPv4 address"), clock);
    expect(done.facts.terminal?.outcome.status).toBe("succeeded");
    expect(done.facts.warnings).toEqual(["no IPv4 address"]);
    expect(done.facts.retainUntil).toBe(t0 + 1000);
    expect(done.facts.stages[0]?.endedAt).not.toBeNull();
  });

  it("keeps the technical detail of a failure in the facts", () => {
    const done = applyTransition(fresh(), failedUpdate("req-1"), clock);
    expect(done.frames[0]).toMatchObject({
      type: "terminal",
      outcome: { status: "failed", technicalDetail: "InsufficientResourcesFault on task-7 (host-12)" },
    });
  });
});

describe("markSlowIfDue", () => {
  const running = applyTransition(
    fresh(oneMinuteRuns),
    stageUpdate("req-1", "CLONING", iso(t0)),
    clock,
  ).facts;

  it("flags the run once the edge's clock passes the threshold, and only once", () => {
    const slow = markSlowIfDue(running, t0 + SLOW_FLOOR_MS);
    expect(slow.frames).toMatchObject([{ type: "slow", seq: 2, at: iso(t0 + SLOW_FLOOR_MS) }]);
    expect(markSlowIfDue(slow.facts, t0 + 2 * SLOW_FLOOR_MS).frames).toEqual([]);
  });

  it("does nothing before the threshold", () => {
    expect(markSlowIfDue(running, t0 + SLOW_FLOOR_MS - 1)).toEqual({ facts: running, frames: [] });
  });

  it("flags a first run (no history) at the configured floor", () => {
    const first = applyTransition(fresh(null), stageUpdate("req-1", "CLONING", iso(t0)), clock).facts;
    expect(markSlowIfDue(first, t0 + 1999, 2000).frames).toEqual([]);
    expect(markSlowIfDue(first, t0 + 2000, 2000).frames).toMatchObject([{ type: "slow", eta: null }]);
  });
});

describe("nextWakeUp and isExpired", () => {
  it("wakes for the slow notice during a run and for the purge after it", () => {
    const running = applyTransition(
      fresh(oneMinuteRuns),
      stageUpdate("req-1", "CLONING", iso(t0)),
      clock,
    ).facts;
    expect(
      nextWakeUp(running, {
        abandonedAfterMs: 7 * 86_400_000,
        reconcileAfterMs: 20 * 60_000,
        reconcileMaxMs: 3_600_000,
      }),
    ).toBe(t0 + SLOW_FLOOR_MS);
    const done = applyTransition(running, failedUpdate("req-1"), clock).facts;
    expect(nextWakeUp(done, keeping)).toBe(t0 + 1000);
    expect(isExpired(done, t0 + 999, keeping)).toBe(false);
    expect(isExpired(done, t0 + 1000, keeping)).toBe(true);
  });

  it("wakes to drop a run that went silent", () => {
    expect(nextWakeUp(fresh(), keeping)).toBe(t0 + 5000);
    expect(isExpired(fresh(), t0 + 4999, keeping)).toBe(false);
    expect(isExpired(fresh(), t0 + 5000, keeping)).toBe(true);
  });

  it("wakes to check a silent run against the log, counting from the last change or check", () => {
    const checkedLater = { ...fresh(), syncedAt: t0 + 30_000 };
    expect(nextWakeUp(checkedLater, { ...keeping, abandonedAfterMs: 86_400_000 })).toBe(t0 + 90_000);
    expect(needsReconcile(checkedLater, t0 + 89_999, 60_000)).toBe(false);
    expect(needsReconcile(checkedLater, t0 + 90_000, 60_000)).toBe(true);
  });

  it("backs off between checks as the silence grows, up to the cap", () => {
    const quietTenMinutes = { ...fresh(), syncedAt: t0 + 600_000 };
    expect(recheckAt(quietTenMinutes, keeping)).toBe(t0 + 1_200_000);
    const quietTenHours = { ...fresh(), syncedAt: t0 + 36_000_000 };
    expect(recheckAt(quietTenHours, keeping)).toBe(t0 + 36_000_000 + 3_600_000);
  });

  it("never checks a finished run against the log", () => {
    const done = applyTransition(fresh(), failedUpdate("req-1"), clock).facts;
    expect(needsReconcile(done, t0 + 86_400_000, 1)).toBe(false);
  });
});

describe("catchUpWithLog", () => {
  it("appends only what the object missed and records when it checked", () => {
    const live = applyTransition(fresh(), stageUpdate("req-1", "CLONING", iso(t0)), clock).facts;
    const log = {
      requestId: "req-1",
      tenantId: "tenant-a",
      transitions: [stageUpdate("req-1", "CLONING", iso(t0)), failedUpdate("req-1")],
      stats: null,
    };
    const caught = catchUpWithLog(live, log, { now: t0 + 500, retentionMs: 1000 });
    expect(caught.frames.map((f) => [f.seq, f.type])).toEqual([[2, "terminal"]]);
    expect(caught.facts.syncedAt).toBe(t0 + 500);
    expect(catchUpWithLog(caught.facts, log, { now: t0 + 900, retentionMs: 1000 }).frames).toEqual([]);
  });
});

describe("rebuildFromLog", () => {
  it("replays the log into the same facts and frames a live object would have", () => {
    const transitions = [
      stageUpdate("req-1", "CLONING", iso(t0)),
      stageUpdate("req-1", "CLONING", iso(t0 + 1)),
      stageUpdate("req-1", "CONFIGURING", iso(t0 + 2)),
    ];
    const rebuilt = rebuildFromLog(
      { requestId: "req-1", tenantId: "tenant-a", transitions, stats: null },
      { epoch: "fedcba654321", now: t0, retentionMs: 1000 },
    );
    expect(rebuilt.facts.epoch).toBe("fedcba654321");
    expect(rebuilt.frames.map((f) => f.seq)).toEqual([1, 2]);
    expect(rebuilt.facts.stages.map((s) => s.stage)).toEqual(["CLONING", "CONFIGURING"]);
  });

  it("flags a rebuilt run that is already past its slow threshold", () => {
    const rebuilt = rebuildFromLog(
      {
        requestId: "req-1",
        tenantId: "tenant-a",
        transitions: [stageUpdate("req-1", "CLONING", iso(t0))],
        stats: oneMinuteRuns,
      },
      { epoch: "fedcba654321", now: t0 + SLOW_FLOOR_MS, retentionMs: 1000 },
    );
    expect(rebuilt.frames.map((f) => f.type)).toEqual(["stage", "slow"]);
  });
});

describe("renderFor", () => {
  const failed = applyTransition(fresh(), failedUpdate("req-1"), clock);
  const snapshot = buildSnapshot({ facts: failed.facts, live: null, now: t0 });

  it("removes technical detail from terminal frames and snapshots for members", () => {
    const [terminal] = failed.frames;
    if (!terminal) throw new Error("expected a terminal frame");
    expect(JSON.stringify(renderFor(terminal, false))).not.toContain("technicalDetail");
    expect(JSON.stringify(renderFor(snapshot, false))).not.toContain("technicalDetail");
  });

  it("leaves frames untouched for admins", () => {
    expect(renderFor(snapshot, true)).toBe(snapshot);
  });
});
