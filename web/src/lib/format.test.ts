import { describe, expect, it } from "vitest";
import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatEta,
  formatMemory,
  formatRelative,
  secondsBetween,
} from "./format.ts";

describe("formatDuration", () => {
  it("prints seconds, minutes, hours and days compactly", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(80)).toBe("1 min 20 s");
    expect(formatDuration(2 * 3600 + 5 * 60)).toBe("2 h 5 min");
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe("3 days 4 h");
    expect(formatDuration(86400)).toBe("1 day");
  });

  it("treats negative input as zero", () => {
    expect(formatDuration(-5)).toBe("0 s");
  });
});

describe("formatRelative", () => {
  const now = new Date("2026-11-22T12:00:00Z");

  it("says just now for the last few seconds", () => {
    expect(formatRelative("2026-11-22T11:59:40Z", now)).toBe("just now");
  });

  it("counts minutes, hours and days", () => {
    expect(formatRelative("2026-11-22T11:55:00Z", now)).toBe("5 min ago");
    expect(formatRelative("2026-11-22T09:00:00Z", now)).toBe("3 h ago");
    expect(formatRelative("2026-11-20T11:00:00Z", now)).toBe("2 days ago");
    expect(formatRelative("2026-11-21T11:00:00Z", now)).toBe("1 day ago");
  });
});

describe("formatEta", () => {
  it("rounds up to five seconds", () => {
    expect(formatEta(78)).toBe("About 1 min 20 s left");
    expect(formatEta(12)).toBe("About 15 s left");
  });

  it("says almost done at the very end", () => {
    expect(formatEta(3)).toBe("Almost done");
  });

  it("returns null without a usable estimate", () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(undefined)).toBeNull();
    expect(formatEta(-1)).toBeNull();
    expect(formatEta(Number.NaN)).toBeNull();
  });
});

describe("formatClock and formatDateTime", () => {
  it("use a 24-hour clock", () => {
    const local = new Date(2026, 10, 22, 14, 3, 27);
    expect(formatClock(local)).toBe("14:03:27");
    expect(formatDateTime(local)).toBe("22 Nov 2026, 14:03");
  });
});

describe("secondsBetween", () => {
  it("returns whole seconds and never goes negative", () => {
    const now = new Date("2026-11-22T12:00:00Z");
    expect(secondsBetween("2026-11-22T11:59:00.500Z", now)).toBe(59);
    expect(secondsBetween("2026-11-22T12:00:10Z", now)).toBe(0);
  });
});

describe("formatMemory", () => {
  it("switches to GB from 1024 MB", () => {
    expect(formatMemory(512)).toBe("512 MB");
    expect(formatMemory(4096)).toBe("4 GB");
    expect(formatMemory(1536)).toBe("1.5 GB");
  });
});
