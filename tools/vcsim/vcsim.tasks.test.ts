import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { type Inventory, inventory, startClone } from "./test-support/inventory.ts";
import { refOf, type SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, startTestVcsim } from "./test-support/start.ts";
import { watchTask } from "./test-support/waits.ts";
import { at } from "./test-support/xml-tree.ts";

// the task stays queued for a tenth of it: long enough for a busy machine to read it queued
const CLONE_MS = 3000;

describe("async task emulation", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  let inv: Inventory;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50, taskDelaysMs: { CloneVM_Task: CLONE_MS } });
    session = await loggedIn(vcsim);
    inv = await inventory(session, vcsim.templatePath);
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("returns a queued task at once and reports running, progress and success with the result", async () => {
    const started = Date.now();
    const task = await startClone(session, inv, { name: "slow-1", powerOn: true });
    expect(Date.now() - started).toBeLessThan(CLONE_MS / 2);
    const first = await session.retrieve(task, ["info.state"]);
    expect(first.get("info.state")?.text).toBe("queued");

    const trace = await watchTask(session, task);
    expect(Date.now() - started).toBeGreaterThanOrEqual(CLONE_MS);
    expect(trace.states).toContain("running");
    expect(trace.states.at(-1)).toBe("success");
    // the initial snapshot reads progress 0; then the steps, in order
    const steps = trace.progress.filter((p) => p > 0);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(steps.every((p) => p < 100)).toBe(true);
    expect(trace.result?.type).toBe("VirtualMachine");
    expect(await session.findByPath("/DC0/vm/slow-1")).toEqual(trace.result);
  });

  it("delays any *_Task method given a delay, running the library's method at the end", async () => {
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: CLONE_MS, PowerOffVM_Task: 1000 } });
    const vm = (await watchTask(session, await startClone(session, inv, { name: "slow-2", powerOn: true })))
      .result;
    if (!vm) throw new Error("clone failed");
    const task = refOf(at(await session.ok("PowerOffVM_Task", vm), "returnval"));
    if (!task) throw new Error("no task");
    expect((await session.retrieve(vm, ["runtime.powerState"])).get("runtime.powerState")?.text).toBe(
      "poweredOn",
    );
    const trace = await watchTask(session, task);
    expect(trace.state).toBe("success");
    expect((await session.retrieve(vm, ["runtime.powerState"])).get("runtime.powerState")?.text).toBe(
      "poweredOff",
    );

    // a second power-off fails inside the task, as on vCenter
    const again = refOf(at(await session.ok("PowerOffVM_Task", vm), "returnval"));
    if (!again) throw new Error("no task");
    expect(await watchTask(session, again)).toMatchObject({ state: "error", fault: "InvalidPowerState" });
  });
});
