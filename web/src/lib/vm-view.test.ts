import type { VmRunningAction, VmTimelineEntry } from "@gantry/shared/api/vms";
import { describe, expect, it } from "vitest";
import {
  availabilityOf,
  deleteNameMatches,
  isOldSnapshot,
  lastOutcomeOf,
  latestDriftOf,
  OLD_SNAPSHOT_MS,
  resizePlan,
  runningActionText,
} from "./vm-view.ts";

const entry = (
  kind: VmTimelineEntry["kind"],
  title: string,
  detail: string | null = null,
): VmTimelineEntry => ({
  at: "2026-12-07T10:00:00.000Z",
  kind,
  actor: { kind: "user", id: "u1", name: "Alice" },
  actionId: null,
  title,
  detail,
});

const running = (step: VmRunningAction["step"]): VmRunningAction => ({
  actionId: "a1",
  kind: "shutdown-guest",
  step,
  message: "The guest did not shut down after 10 s: powering off…",
  requestedBy: { id: "u1", name: "Alice" },
  requestedAt: "2026-12-07T10:00:00.000Z",
  deadline: "2026-12-07T10:10:00.000Z",
});

describe("the VM page's derivations", () => {
  it("calls out a fallback step and names who asked", () => {
    expect(runningActionText(running("FALLING_BACK_TO_POWER_OFF"))).toEqual({
      text: "The guest did not shut down after 10 s: powering off… (asked by Alice)",
      fallingBack: true,
    });
    expect(runningActionText(running("SHUTTING_DOWN_GUEST")).fallingBack).toBe(false);
    expect(runningActionText(running("FALLING_BACK_TO_RESET")).fallingBack).toBe(true);
  });

  it("takes the last outcome from the history, a failure included, and nothing before any action", () => {
    expect(lastOutcomeOf([entry("PROVISIONED", "VM ready")])).toBeNull();
    const history = [
      entry("ACTION_SUCCEEDED", "Power off: done"),
      entry("ACTION_REQUESTED", "Restart"),
      entry("ACTION_FAILED", "Restart failed", "VMware Tools does not run"),
      entry("CHANGED_OUTSIDE_GANTRY", "Changed outside Gantry", "power poweredOn → poweredOff"),
    ];
    expect(lastOutcomeOf(history)).toMatchObject({
      title: "Restart failed",
      detail: "VMware Tools does not run",
      failed: true,
    });
    expect(latestDriftOf(history)?.detail).toBe("power poweredOn → poweredOff");
    expect(latestDriftOf(history.slice(0, 2))).toBeNull();
  });

  it("offers an action only when the edge lists it as available, with its reason otherwise", () => {
    const actions = [
      { kind: "power-on" as const, available: false, reason: "The VM is already running." },
      { kind: "power-off" as const, available: true, reason: null },
    ];
    expect(availabilityOf(actions, "power-on")).toEqual({
      available: false,
      reason: "The VM is already running.",
    });
    expect(availabilityOf(actions, "power-off")).toEqual({ available: true, reason: null });
    expect(availabilityOf(actions, "delete")).toEqual({ available: false, reason: null });
  });

  it("accepts the VM's name or its vCenter name, exactly, to delete", () => {
    const vm = { name: "web-01", vmName: "web-web-01" };
    expect(deleteNameMatches(vm, "web-01")).toBe(true);
    expect(deleteNameMatches(vm, "web-web-01")).toBe(true);
    expect(deleteNameMatches(vm, "web-01 ")).toBe(false);
    expect(deleteNameMatches(vm, "WEB-01")).toBe(false);
  });

  it("tells a resize up from a resize down, and keeps a disk that would shrink", () => {
    const m = { cpu: 4, memoryGb: 8, diskGb: 80 };
    expect(resizePlan(m, { cpu: 2, memoryGb: 4, diskGb: 50 })).toEqual({ up: false, keepsDisk: true });
    expect(resizePlan(m, { cpu: 8, memoryGb: 16, diskGb: 100 })).toEqual({ up: true, keepsDisk: false });
    expect(resizePlan(m, { cpu: 4, memoryGb: 8, diskGb: 120 })).toEqual({ up: true, keepsDisk: false });
    // more CPU on a smaller disk: still up (an admin approves), the disk stays as it is
    expect(resizePlan(m, { cpu: 8, memoryGb: 8, diskGb: 50 })).toEqual({ up: true, keepsDisk: true });
  });

  it("warns about snapshots from three days on", () => {
    expect(isOldSnapshot(OLD_SNAPSHOT_MS - 1)).toBe(false);
    expect(isOldSnapshot(OLD_SNAPSHOT_MS)).toBe(true);
  });
});
