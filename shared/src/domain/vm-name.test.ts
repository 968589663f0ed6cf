import { describe, expect, it } from "vitest";
import { VmName } from "./vm-name.ts";

describe("VmName", () => {
  it.each(["web", "db-01", "a1b", "x".repeat(63), "0ab"])("accepts %s", (name) => {
    expect(VmName.safeParse(name).success).toBe(true);
  });

  it.each([
    ["ab", "at least 3"],
    ["x".repeat(64), "at most 63"],
    ["Web01", "lowercase"],
    ["web_01", "lowercase"],
    ["-web", "start with"],
    ["web-", "end with"],
    ["we--b", "two hyphens"],
  ])("rejects %s", (name, message) => {
    const parsed = VmName.safeParse(name);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join(" ")).toContain(message);
  });
});
