import { describe, expect, it } from "vitest";
import { compareVersions, isNewerVersion } from "./version-order.ts";

describe("compareVersions", () => {
  it("orders releases and prereleases as semver does", () => {
    const sorted = [
      "0.1.0-alpha",
      "0.1.0-alpha.2",
      "0.1.0-alpha.10",
      "0.1.0-beta",
      "0.1.0",
      "0.1.1",
      "0.10.0",
      "1.0.0",
    ];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(sorted);
  });

  it("treats equal versions as equal and anything unparsable as oldest", () => {
    expect(compareVersions("1.2.3", "1.2.3")).toBe(0);
    expect(isNewerVersion("0.0.1", "garbage")).toBe(true);
    expect(isNewerVersion("garbage", "0.0.1")).toBe(false);
  });
});
