import { describe, expect, it } from "vitest";
import { DEFAULT_VM_SIZE, specFor, VmSize } from "./vm-size.ts";

describe("VM sizes", () => {
  it("maps each size to its vCPU, memory and disk", () => {
    expect(specFor("S")).toEqual({ cpu: 2, memoryGb: 4, diskGb: 50 });
    expect(specFor("M")).toEqual({ cpu: 4, memoryGb: 8, diskGb: 100 });
    expect(specFor("L")).toEqual({ cpu: 8, memoryGb: 16, diskGb: 200 });
    expect(specFor("XL")).toEqual({ cpu: 16, memoryGb: 32, diskGb: 500 });
  });

  it("defaults to M", () => {
    expect(DEFAULT_VM_SIZE).toBe("M");
  });

  it("rejects an unknown size code", () => {
    expect(VmSize.safeParse("XXL").success).toBe(false);
  });
});
