import { describe, expect, it } from "vitest";
import { DEFAULT_SIZES, LEGACY_SIZE_SPECS, VmSize, VmSpec } from "./vm-size.ts";

describe("VM sizes", () => {
  it("starts every tenant with S, M, L and XL", () => {
    expect(DEFAULT_SIZES.map((s) => [s.code, s.spec])).toEqual([
      ["S", { cpu: 2, memoryGb: 4, diskGb: 50 }],
      ["M", { cpu: 4, memoryGb: 8, diskGb: 100 }],
      ["L", { cpu: 8, memoryGb: 16, diskGb: 200 }],
      ["XL", { cpu: 16, memoryGb: 32, diskGb: 500 }],
    ]);
    expect(LEGACY_SIZE_SPECS.XL).toEqual({ cpu: 16, memoryGb: 32, diskGb: 500 });
  });

  it("takes a tenant's own codes and refuses malformed ones", () => {
    expect(VmSize.safeParse("GPU-1.large").success).toBe(true);
    expect(VmSize.safeParse("XXL").success).toBe(true);
    for (const bad of ["", "-x", "a b", "x".repeat(17), "ünï"])
      expect(VmSize.safeParse(bad).success).toBe(false);
  });

  it("bounds a spec", () => {
    expect(VmSpec.safeParse({ cpu: 129, memoryGb: 1, diskGb: 1 }).success).toBe(false);
    expect(VmSpec.safeParse({ cpu: 0, memoryGb: 1, diskGb: 1 }).success).toBe(false);
    expect(VmSpec.safeParse({ cpu: 128, memoryGb: 4096, diskGb: 65536 }).success).toBe(true);
  });
});
