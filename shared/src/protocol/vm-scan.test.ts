import { describe, expect, it } from "vitest";
import { AgentToEdge } from "./agent.ts";
import { utf8Length } from "./utf8.ts";
import { MAX_AGENT_FRAME_BYTES } from "./version.ts";
import { MAX_SCAN_PART_VMS, type ScannedVm, splitScan } from "./vm-scan.ts";

const vm = (i: number): ScannedVm => ({
  markerRequestId: `req_${i}`,
  vmwareId: `vm-${i}`,
  instanceUuid: "5012c0de-0000-4000-8000-000000000000",
  facts: {
    name: `a-rather-long-vm-name-${"x".repeat(i % 150)}-${i}`,
    powerState: "poweredOn",
    cpu: 2,
    memoryMb: 4096,
    diskGb: 40,
    ipAddress: null,
    hostname: null,
  },
});

describe("splitScan", () => {
  it("keeps every VM in order, in frames under the agent frame limit", () => {
    const vms = Array.from({ length: 3000 }, (_, i) => vm(i));
    const parts = splitScan(vms);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.flatMap((p) => p.vms)).toEqual(vms);
    for (const [index, part] of parts.entries()) {
      expect(part.vms.length).toBeLessThanOrEqual(MAX_SCAN_PART_VMS);
      const frame = {
        v: 4,
        id: "x".repeat(100),
        type: "scan.part",
        scanId: "s".repeat(100),
        index,
        total: 512,
        part,
      };
      expect(utf8Length(JSON.stringify(frame))).toBeLessThanOrEqual(MAX_AGENT_FRAME_BYTES - 4096 + 400);
      expect(AgentToEdge.safeParse(frame).success).toBe(true);
    }
  });

  it("sends one empty part when no VM carries the marker", () => {
    expect(splitScan([])).toEqual([{ vms: [] }]);
  });
});
