import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import type { DomainEvent } from "@gantry/shared/events/catalog";
import type { VmEvent } from "@gantry/shared/events/vm";
import type { VmRequestEvent } from "@gantry/shared/events/vm-request";
import { describe, expect, it } from "vitest";
import { type ManagedVm, managedVm } from "./managed-vm.ts";
import { evolveVm, initialVmState } from "./vm.ts";
import { nextLeaseCheck } from "./vm-lease.ts";
import { decideExtend, decideLeaseTick, leaseStarted } from "./vm-lease-decider.ts";
import { evolveVmRequest, initialVmRequestState } from "./vm-request.ts";

// the lease's rules, pure: given the VM's events, what the scheduler and the owner's commands decide

const vmId = "req_1";
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const POLICY: LeasePolicy = {
  initialTermSeconds: 600,
  maxExtensionSeconds: 300,
  maxTotalSeconds: 1200,
  graceSeconds: 120,
  enforcement: "hard",
  warningsSeconds: [300, 60],
};

function vmWith(policy: LeasePolicy, more: VmEvent[] = []): ManagedVm {
  const events: DomainEvent[] = [
    {
      type: "VmRequestSubmitted",
      data: {
        requestId: vmId,
        requester: { id: "user-alice", name: "Alice", email: "alice@acme.test" },
        projectId: "proj-web",
        name: "api01",
        size: "M",
        spec: { cpu: 4, memoryGb: 8, diskGb: 100 },
        justification: "for the API",
        networkPath: null,
      },
    },
    { type: "VmProvisioningStarted", data: { vmId, requestId: vmId, jobId: `job-${vmId}` } },
    {
      type: "VmProvisioned",
      data: {
        vmId,
        vmwareId: "vm-42",
        vmName: "web-api01",
        hostname: "api01",
        ipAddress: null,
        warning: null,
        stageDurations: [],
      },
    },
    leaseStarted({ vmId, readyAt: at(0), policy }),
    ...more,
  ];
  let request = initialVmRequestState;
  let vm = initialVmState;
  for (const event of events) {
    if (event.type.startsWith("VmRequest")) request = evolveVmRequest(request, event as VmRequestEvent);
    else vm = evolveVm(vm, { event: event as VmEvent, occurredAt: at(0) });
  }
  const managed = managedVm(request, vm);
  if (!managed) throw new Error("no VM");
  return managed;
}

const tick = (vm: ManagedVm, seconds: number) =>
  decideLeaseTick({ now: at(seconds), actionBudgetSeconds: 600 }, vm);
const types = (events: VmEvent[]) =>
  events.map((e) => (e.type === "VmActionRequested" ? `${e.type}:${e.data.action.kind}` : e.type));

describe("the lease's rules", () => {
  it("schedules the first warning, then the next, then the expiry", () => {
    const vm = vmWith(POLICY);
    expect(nextLeaseCheck(vm.lease)).toBe(at(300));
    expect(tick(vm, 299)).toEqual([]);
    const warned = tick(vm, 300);
    expect(warned).toMatchObject([
      { type: "VmLeaseWarned", data: { secondsBefore: 300, nextCheckAt: at(540) } },
    ]);
  });

  it("gives only the latest warning when a sweep comes late, and the expiry instead of warnings after it", () => {
    const vm = vmWith(POLICY);
    expect(tick(vm, 560)).toMatchObject([
      { type: "VmLeaseWarned", data: { secondsBefore: 60, nextCheckAt: at(600) } },
    ]);
    expect(types(tick(vm, 700))).toEqual(["VmLeaseExpired", "VmActionRequested:power-off"]);
  });

  it("deletes at once with no grace, and only notices under soft enforcement", () => {
    expect(types(tick(vmWith({ ...POLICY, graceSeconds: 0 }), 600))).toEqual([
      "VmLeaseExpired",
      "VmLeaseEnded",
      "VmActionRequested:delete",
    ]);
    const soft = tick(vmWith({ ...POLICY, enforcement: "soft" }), 600);
    expect(soft).toMatchObject([{ type: "VmLeaseExpired", data: { destroyAt: null, nextCheckAt: null } }]);
  });

  it("decides each step once: the same tick on the state after it asks for nothing more", () => {
    const vm = vmWith(POLICY);
    const expired = tick(vm, 600);
    const after = vmWith(POLICY, expired);
    expect(tick(after, 600)).toEqual([]);
    // the power-off still runs (an agent offline) at the end of grace: the deletion waits for it
    expect(after.running?.action.kind).toBe("power-off");
    expect(tick(after, 720)).toEqual([]);
    const off = expired.find((e) => e.type === "VmActionRequested");
    const actionId = off?.type === "VmActionRequested" ? off.data.actionId : "";
    const poweredOff = vmWith(POLICY, [
      ...expired,
      {
        type: "VmActionSucceeded",
        data: { vmId, actionId, kind: "power-off", facts: null, size: null, snapshot: null, note: null },
      },
    ]);
    expect(tick(poweredOff, 719)).toEqual([]);
    const ended = tick(poweredOff, 720);
    expect(types(ended)).toEqual(["VmLeaseEnded", "VmActionRequested:delete"]);
    expect(tick(vmWith(POLICY, [...expired, ...ended]), 900)).toEqual([]);
  });

  it("extends within one extension and the total life; past either, asks for an approval", () => {
    const vm = vmWith(POLICY);
    const extend = (seconds: number, now = 100) =>
      decideExtend({ vmId, extensionId: `ext-${seconds}`, seconds, reason: null, now: at(now) }, vm);
    expect(extend(300)).toMatchObject({ ok: true, value: { outcome: "extended" } });
    expect(extend(301)).toMatchObject({ ok: true, value: { outcome: "awaiting-approval" } });
    const twice = vmWith(
      POLICY,
      extend(300).ok ? (extend(300) as { value: { events: VmEvent[] } }).value.events : [],
    );
    const last = decideExtend(
      { vmId, extensionId: "ext-b", seconds: 300, reason: null, now: at(100) },
      twice,
    );
    // 600 + 300 + 300 = 1200: exactly the total life
    expect(last).toMatchObject({ ok: true, value: { outcome: "extended" } });
  });
});
