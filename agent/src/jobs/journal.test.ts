import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Journal } from "./journal.ts";

describe("Journal", () => {
  it("persists every change atomically with mode 0600", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-journal-"));
    Journal.open(dir).update((d) => {
      d.outbox.push({ id: "f", jobId: "j", epoch: 1, seq: 1, frame: "{}" });
    });
    expect(Journal.open(dir).outbox()).toHaveLength(1);
    expect(statSync(path.join(dir, "journal.json")).mode & 0o777).toBe(0o600);
  });

  it("starts clean from a journal it cannot read", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-journal-"));
    writeFileSync(path.join(dir, "journal.json"), JSON.stringify({ jobs: 3 }));
    expect(Journal.open(dir).jobs()).toEqual([]);
  });
});
