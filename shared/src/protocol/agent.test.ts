import { describe, expect, it } from "vitest";
import type { AgentToEdge, EdgeToAgent } from "./agent.ts";
import { parseAgentFrame, parseEdgeFrame } from "./agent-parse.ts";
import { utf8Length } from "./utf8.ts";
import {
  MAX_AGENT_FRAME_BYTES,
  negotiateVersion,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "./version.ts";

const at = "2026-11-22T10:04:00.000Z";
const job = {
  kind: "provision-vm" as const,
  jobId: "job-1",
  requestId: "req-1",
  tenantSlug: "acme",
  projectSlug: "web",
  vmName: "web-app01",
  hostname: "app01",
  cpu: 2,
  memoryMb: 2048,
  diskGb: 20,
  networkPath: "/DC0/network/VM Network",
  placement: {
    datacenterPath: "/DC0",
    templatePath: "/DC0/vm/ubuntu",
    folderPath: "/DC0/vm/gantry",
    poolPath: "/DC0/host/DC0_C0",
  },
  annotation: "req-1",
};
const base = { v: PROTOCOL_VERSION, id: "f-1" };

const agentFrames: AgentToEdge[] = [
  {
    ...base,
    type: "hello",
    agent: { version: "0.1.0" },
    protocols: [1],
    capacity: 2,
    draining: false,
    running: [],
  },
  { ...base, type: "job.accept", jobId: "job-1" },
  { ...base, type: "job.decline", jobId: "job-1", reason: "at-capacity" },
  { ...base, type: "job.release", jobId: "job-1", epoch: 3, reason: "shutdown" },
  { ...base, type: "job.release", jobId: "job-1", epoch: 3, reason: "refused" },
  { ...base, type: "lease.renew", leases: [{ jobId: "job-1", epoch: 3 }], capacity: 1, draining: false },
  {
    ...base,
    type: "job.progress",
    jobId: "job-1",
    epoch: 3,
    seq: 1,
    update: { kind: "stage", stage: "CLONING", at },
  },
  {
    ...base,
    type: "job.progress",
    jobId: "job-1",
    epoch: 3,
    seq: 1,
    update: { kind: "percent", stage: "CLONING", percent: 40, at },
  },
  {
    ...base,
    type: "job.result",
    jobId: "job-1",
    epoch: 3,
    seq: 2,
    at,
    outcome: { ok: true, vm: { vmwareId: "vm-1", vmName: "web-app01", hostname: "app01", ipAddress: null } },
  },
  {
    ...base,
    type: "inventory.report",
    seq: 1,
    report: {
      collectedAt: at,
      vcenter: { apiVersion: "8.0", fullName: "vcsim" },
      datacenters: [],
      templates: [],
      networks: [],
      folders: [],
      datastores: [],
      pools: [],
    },
  },
  {
    ...base,
    type: "call.result",
    ref: "c-1",
    result: {
      method: "vcenter.test",
      outcome: { ok: true, value: { checks: [{ name: "login", ok: true, detail: "ok" }] } },
    },
  },
  { ...base, type: "error", code: "INTERNAL", message: "boom" },
  {
    ...base,
    type: "hello",
    agent: { version: "0.2.0" },
    protocols: [3, 1],
    capacity: 2,
    draining: false,
    running: [],
    jobs: ["provision-vm", "vm.power-off"],
  },
  {
    ...base,
    type: "job.progress",
    jobId: "job-2",
    epoch: 1,
    seq: 1,
    update: { kind: "step", step: "SHUTTING_DOWN_GUEST", detail: { fallbackAfterSeconds: 120 }, at },
  },
  {
    ...base,
    type: "job.result",
    jobId: "job-2",
    epoch: 1,
    seq: 2,
    at,
    outcome: {
      status: "done",
      result: {
        facts: {
          name: "web-app01",
          powerState: "poweredOff",
          cpu: 2,
          memoryMb: 2048,
          diskGb: 20,
          ipAddress: null,
          hostname: null,
        },
        snapshot: null,
        note: "powered off after the guest ignored shutdown for 120 s",
      },
    },
  },
  {
    ...base,
    type: "job.result",
    jobId: "job-3",
    epoch: 1,
    seq: 1,
    at,
    outcome: {
      status: "failed",
      failure: {
        code: "MARKER_MISMATCH",
        userMessage: "not ours",
        technicalDetail: "gantry.requestId is req-9",
        retriable: false,
        attempts: 1,
      },
    },
  },
  {
    ...base,
    type: "vm.observed",
    observations: [
      {
        kind: "seen",
        requestId: "req-1",
        vmwareId: "vm-1",
        at,
        facts: {
          name: "renamed",
          powerState: "poweredOn",
          cpu: 4,
          memoryMb: 4096,
          diskGb: 20,
          ipAddress: "10.0.0.1",
          hostname: "app01",
        },
      },
      { kind: "gone", requestId: "req-2", vmwareId: "vm-2", at },
    ],
  },
];

const powerOffJob = {
  kind: "vm.power-off" as const,
  jobId: "job-act_1",
  requestId: "req-1",
  vmwareId: "vm-1",
  vmName: "web-app01",
  deadline: at,
};

const edgeFrames: EdgeToAgent[] = [
  {
    ...base,
    type: "welcome",
    protocol: 1,
    agentId: "a-1",
    siteId: "s-1",
    leaseTtlMs: 90_000,
    renewIntervalMs: 30_000,
    jobs: [{ jobId: "job-1", epoch: 2, status: "resumed", lastSeq: 3 }],
  },
  { ...base, type: "job.offer", jobId: "job-1", kind: "provision-vm", attempt: 1 },
  {
    ...base,
    type: "job.granted",
    jobId: "job-1",
    epoch: 1,
    attempt: 1,
    leaseTtlMs: 90_000,
    lastSeq: 0,
    stages: [],
    job,
  },
  {
    ...base,
    type: "job.granted",
    jobId: "job-act_1",
    epoch: 1,
    attempt: 1,
    leaseTtlMs: 90_000,
    lastSeq: 0,
    stages: [],
    job: powerOffJob,
  },
  { ...base, type: "job.cancel", jobId: "job-1", epoch: 1, reason: "requested" },
  {
    ...base,
    type: "lease.renewed",
    ref: "r-1",
    leaseTtlMs: 90_000,
    leases: [{ jobId: "job-1", epoch: 1, ok: true }],
  },
  { ...base, type: "ack", ref: "f-9", jobId: "job-1", seq: 4 },
  { ...base, type: "call", call: { method: "vm.status", vmwareId: "vm-1" }, timeoutMs: 10_000 },
  { ...base, type: "error", code: "STALE_EPOCH", message: "stale", ref: "f-2" },
];

describe("agent protocol", () => {
  it.each(agentFrames.map((f) => [f.type, f] as const))("round-trips an agent %s frame", (_type, frame) => {
    expect(parseAgentFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it.each(edgeFrames.map((f) => [f.type, f] as const))("round-trips an edge %s frame", (_type, frame) => {
    expect(parseEdgeFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it("rejects a frame that is not JSON", () => {
    expect(parseAgentFrame("{nope")).toMatchObject({ ok: false, error: { code: "MALFORMED_FRAME" } });
  });

  it("rejects an unknown type and keeps its id for the error frame", () => {
    const raw = JSON.stringify({ v: 1, id: "x-1", type: "job.teleport" });
    expect(parseAgentFrame(raw)).toEqual({
      ok: false,
      error: { code: "UNKNOWN_TYPE", type: "job.teleport", ref: "x-1" },
    });
  });

  it("rejects an edge-only type arriving from an agent", () => {
    expect(parseAgentFrame(JSON.stringify(edgeFrames[1]))).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_TYPE" },
    });
  });

  it("rejects a known type with a bad field and names the field", () => {
    const raw = JSON.stringify({ ...base, type: "job.progress", jobId: "j", epoch: 0, seq: 1, update: {} });
    const parsed = parseAgentFrame(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ code: "MALFORMED_FRAME", ref: "f-1" });
    if (!parsed.ok && parsed.error.code === "MALFORMED_FRAME")
      expect(parsed.error.message).toContain("epoch");
  });

  it("rejects a drift report of more than 100 VMs", () => {
    const seen = { kind: "gone", requestId: "req-1", vmwareId: "vm-1", at };
    const raw = JSON.stringify({ ...base, type: "vm.observed", observations: Array(101).fill(seen) });
    expect(parseAgentFrame(raw)).toMatchObject({ ok: false, error: { code: "MALFORMED_FRAME" } });
  });

  it("rejects an action outcome that mixes a provisioning result in", () => {
    const raw = JSON.stringify({
      ...base,
      type: "job.result",
      jobId: "job-2",
      epoch: 1,
      seq: 1,
      at,
      outcome: { status: "done" },
    });
    expect(parseAgentFrame(raw)).toMatchObject({ ok: false, error: { code: "MALFORMED_FRAME" } });
  });

  it("rejects a frame without a type", () => {
    expect(parseEdgeFrame(JSON.stringify({ v: 1, id: "a" }))).toMatchObject({
      ok: false,
      error: { code: "MALFORMED_FRAME" },
    });
  });

  it("rejects a frame over 64 KiB before parsing it", () => {
    const raw = JSON.stringify({
      ...base,
      type: "error",
      code: "INTERNAL",
      message: "x".repeat(MAX_AGENT_FRAME_BYTES),
    });
    expect(parseAgentFrame(raw)).toMatchObject({ ok: false, error: { code: "TOO_LARGE" } });
  });

  it("counts UTF-8 bytes of multi-byte characters", () => {
    expect(utf8Length("aé€😀")).toBe(1 + 2 + 3 + 4);
  });
});

describe("negotiateVersion", () => {
  it("picks the newest common version", () => {
    expect(negotiateVersion([1, 2, 3], [2, 1])).toBe(2);
  });

  it("returns null when the sides share no version", () => {
    expect(negotiateVersion([7], [1])).toBeNull();
  });

  it("speaks 5 (direct grants), 4 (reconciliation scan), 3 (VM actions), 2 (inventory in parts) and 1 with the edge's own list", () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual([5, 4, 3, 2, 1]);
    expect(PROTOCOL_VERSION).toBe(5);
    expect(negotiateVersion([5, 4, 3, 2, 1])).toBe(5);
    expect(negotiateVersion([4, 3, 2, 1])).toBe(4);
    expect(negotiateVersion([3, 2, 1])).toBe(3);
    expect(negotiateVersion([2, 1])).toBe(2);
    expect(negotiateVersion([1])).toBe(1);
  });
});
