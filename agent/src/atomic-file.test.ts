import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-file.ts";

describe("writeFileAtomic", () => {
  it("never writes through a file or symlink planted under its temp name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gantry-atomic-"));
    const file = path.join(dir, "agent.json");
    const victim = path.join(dir, "victim");
    writeFileSync(victim, "untouched", { mode: 0o644 });
    // what a non-exclusive open would have followed into the victim
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    writeFileAtomic(file, "secret");
    expect(readFileSync(victim, "utf8")).toBe("untouched");
    expect(readFileSync(file, "utf8")).toBe("secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });
});
