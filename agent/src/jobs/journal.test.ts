import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
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

  it("starts clean from a journal of another shape, moving it aside and saying so", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-journal-"));
    writeFileSync(path.join(dir, "journal.json"), JSON.stringify({ jobs: 3 }));
    const journal = Journal.open(dir, new Date("2026-11-22T10:00:00.000Z"));
    expect(journal.jobs()).toEqual([]);
    expect(journal.setAside).toMatchObject({
      movedTo: path.join(dir, "journal.json.unreadable-2026-11-22T10-00-00.000Z"),
    });
    expect(readdirSync(dir)).toEqual(["journal.json.unreadable-2026-11-22T10-00-00.000Z"]);
  });

  it("starts clean from torn JSON instead of throwing (which crash-looped the agent under systemd)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-journal-"));
    writeFileSync(path.join(dir, "journal.json"), '{"jobs":{},"outb');
    const journal = Journal.open(dir);
    expect(journal.outbox()).toEqual([]);
    expect(journal.setAside?.reason).toMatch(/JSON/);
    journal.update((d) => {
      d.outbox.push({ id: "f", jobId: "j", epoch: 1, seq: 1, frame: "{}" });
    });
    expect(Journal.open(dir).setAside).toBeNull();
  });

  it("starts clean from a journal the file system will not read (EISDIR, as EACCES would be)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-journal-"));
    mkdirSync(path.join(dir, "journal.json"));
    const journal = Journal.open(dir);
    expect(journal.setAside?.reason).toBe("EISDIR");
    expect(existsSync(path.join(dir, "journal.json"))).toBe(false);
  });
});
