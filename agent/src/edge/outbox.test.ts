import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "../jobs/journal.ts";
import { sampleJob } from "../jobs/sample-job.ts";
import { Outbox } from "./outbox.ts";

function setup(connected = true) {
  const dir = mkdtempSync(path.join(tmpdir(), "gantry-outbox-"));
  const journal = Journal.open(dir);
  const sent: string[] = [];
  const state = { connected };
  const outbox = new Outbox(journal, {
    limit: 3,
    ackTimeoutMs: 0,
    send: (raw) => state.connected && sent.push(raw) > 0,
  });
  const add = (seq: number) => {
    const entry = { id: `f-${seq}`, jobId: "j", epoch: 1, seq, frame: `frame-${seq}` };
    journal.update((d) => {
      d.outbox.push(entry);
    });
    outbox.sendLatest(entry);
  };
  return { dir, journal, outbox, sent, state, add };
}

describe("Outbox", () => {
  it("keeps frames until acked and resends them in order after a reconnect", () => {
    const { outbox, sent, state, add } = setup(false);
    add(1);
    add(2);
    expect(sent).toEqual([]);
    state.connected = true;
    outbox.flush();
    expect(sent).toEqual(["frame-1", "frame-2"]);
    outbox.ack("f-1");
    expect(outbox.pending().map((e) => e.seq)).toEqual([2]);
  });

  it("survives a restart through the journal", () => {
    const { dir, add } = setup(false);
    add(1);
    expect(
      Journal.open(dir)
        .outbox()
        .map((e) => e.id),
    ).toEqual(["f-1"]);
  });

  it("drops frames the edge already applied and all frames of a lost job", () => {
    const { outbox, add } = setup();
    add(1);
    add(2);
    outbox.dropApplied("j", 1);
    expect(outbox.pending().map((e) => e.seq)).toEqual([2]);
    outbox.dropJob("j");
    expect(outbox.size).toBe(0);
  });

  it("is bounded", () => {
    const { outbox, add } = setup();
    add(1);
    add(2);
    expect(outbox.hasRoom()).toBe(true);
    add(3);
    expect(outbox.hasRoom()).toBe(false);
  });

  it("resends everything when an ack is overdue", () => {
    const { outbox, sent, add } = setup();
    add(1);
    sent.length = 0;
    outbox.resendIfOverdue();
    expect(sent).toEqual(["frame-1"]);
  });

  it("ignores an ack for a frame it does not hold", () => {
    const { outbox, add } = setup();
    add(1);
    outbox.ack("unknown");
    expect(outbox.size).toBe(1);
  });

  it("appends a job's frames with consecutive seqs under its epoch and journals the next seq", () => {
    const { journal, outbox, sent } = setup();
    journal.update((d) => {
      d.jobs.j = { job: jobSpec, epoch: 3, attempt: 1, nextSeq: 5, stages: [], startedAt: "" };
    });
    const at = "2026-11-22T10:00:00.000Z";
    expect(
      outbox.append("j", { type: "job.progress", update: { kind: "stage", stage: "CLONING", at } }),
    ).toBe("appended");
    expect(outbox.append("j", { type: "job.result", outcome: { ok: true, vm }, at })).toBe("appended");
    expect(sent.map((r) => JSON.parse(r))).toMatchObject([
      { type: "job.progress", jobId: "j", epoch: 3, seq: 5 },
      { type: "job.result", jobId: "j", epoch: 3, seq: 6 },
    ]);
    expect(journal.job("j")).toMatchObject({ nextSeq: 7, stages: ["CLONING"] });
  });

  it("refuses a frame of a job it does not know, and any frame when full", () => {
    const { journal, outbox, add } = setup();
    const at = "2026-11-22T10:00:00.000Z";
    expect(outbox.append("nope", { type: "job.result", outcome: { ok: true, vm }, at })).toBe("unknown-job");
    journal.update((d) => {
      d.jobs.j = { job: jobSpec, epoch: 1, attempt: 1, nextSeq: 1, stages: [], startedAt: "" };
    });
    add(1);
    add(2);
    add(3);
    expect(outbox.append("j", { type: "job.result", outcome: { ok: true, vm }, at })).toBe("full");
  });
});

const vm = { vmwareId: "vm-1", vmName: "web-app", hostname: "app", ipAddress: null };
const jobSpec = sampleJob("j");
