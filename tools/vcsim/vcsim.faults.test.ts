import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { VcsimHandle } from "./handle.ts";
import { cloneArgs } from "./test-support/clone-spec.ts";
import { type Inventory, inventory, startClone } from "./test-support/inventory.ts";
import { type MoRef, refOf, SoapSession } from "./test-support/soap-session.ts";
import { loggedIn, PASSWORD, startTestVcsim, USER } from "./test-support/start.ts";
import { watchTask } from "./test-support/waits.ts";
import { at } from "./test-support/xml-tree.ts";

describe("fault injection", () => {
  let vcsim: VcsimHandle;
  let session: SoapSession;
  let inv: Inventory;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ guestBootDelayMs: 50 });
    session = await loggedIn(vcsim);
    inv = await inventory(session, vcsim.templatePath);
  });
  afterEach(async () => {
    await vcsim.control.clearFaults();
  });
  afterAll(async () => {
    session?.close();
    await vcsim?.stop();
  });

  it("fails a matching clone's task once, then lets the retry succeed", async () => {
    await vcsim.control.injectFault({
      method: "CloneVM_Task",
      match: "<name>db-01</name>",
      fault: "InsufficientResourcesFault",
    });
    const other = await watchTask(session, await startClone(session, inv, { name: "web-02" }));
    expect(other.state).toBe("success");

    const failed = await watchTask(session, await startClone(session, inv, { name: "db-01" }));
    expect(failed).toMatchObject({ state: "error", fault: "InsufficientResourcesFault" });
    expect(await session.findByPath("/DC0/vm/db-01")).toBeUndefined();

    const retried = await watchTask(session, await startClone(session, inv, { name: "db-01" }));
    expect(retried.state).toBe("success");
  });

  it("aims a fault at one VM by name in calls that carry only its moref", async () => {
    const clone = async (name: string) => {
      const trace = await watchTask(session, await startClone(session, inv, { name }));
      if (!trace.result) throw new Error(`no VM from cloning ${name}`);
      return trace.result;
    };
    const [target, bystander] = [await clone("leftover-01"), await clone("bystander-01")];
    await vcsim.control.injectFault({ method: "Destroy_Task", match: "leftover-01", fault: "NoPermission" });
    const destroy = async (vm: MoRef) => {
      const task = refOf(at(await session.ok("Destroy_Task", vm), "returnval"));
      if (!task) throw new Error("Destroy_Task returned no task");
      return watchTask(session, task);
    };

    expect((await destroy(bystander)).state).toBe("success");
    expect(await destroy(target)).toMatchObject({ state: "error", fault: "NoPermission" });
    expect(await session.findByPath("/DC0/vm/leftover-01")).toMatchObject(target);
    expect((await destroy(target)).state).toBe("success");
  });

  it("fails the task only after the method's task delay", async () => {
    // long enough that a loaded machine still sets up its watch while the task runs
    await vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: 1500 } });
    await vcsim.control.injectFault({ method: "CloneVM_Task", fault: "HostCommunication" });
    try {
      const started = Date.now();
      const trace = await watchTask(session, await startClone(session, inv, { name: "slow-fail" }));
      expect(trace).toMatchObject({ state: "error", fault: "HostCommunication" });
      expect(trace.states).toContain("running");
      expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    } finally {
      await vcsim.control.settings({ taskDelaysMs: {} });
    }
  });

  it("answers a non-task method with the SOAP fault, count times", async () => {
    await vcsim.control.injectFault({ method: "Login", fault: "InvalidLogin", count: 2 });
    const fresh = new SoapSession(vcsim.url, await readFile(vcsim.caFile ?? "", "utf8"));
    expect((await fresh.login(USER, PASSWORD)).fault).toBe("InvalidLogin");
    expect((await fresh.login(USER, PASSWORD)).fault).toBe("InvalidLogin");
    expect((await fresh.login(USER, PASSWORD)).fault).toBeUndefined();
    fresh.close();
  });

  it("answers http500 with a bare HTTP 500", async () => {
    await vcsim.control.injectFault({ method: "FindByInventoryPath", fault: "http500" });
    const reply = await session.call(
      "FindByInventoryPath",
      { type: "SearchIndex", value: "SearchIndex" },
      "<inventoryPath>/DC0</inventoryPath>",
    );
    expect(reply.status).toBe(500);
    expect(reply.fault).toBeUndefined();
    expect(await session.findByPath("/DC0")).toMatchObject({ type: "Datacenter" });
  });

  it("drops the connection without an answer", async () => {
    await vcsim.control.injectFault({ method: "FindByInventoryPath", match: "DC0_C0", fault: "drop" });
    await expect(session.findByPath("/DC0/host/DC0_C0")).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await session.findByPath("/DC0/host/DC0_C0")).toMatchObject({ type: "ClusterComputeResource" });
  });

  it("hangs a call unanswered until the client gives up, without carrying it out", async () => {
    await vcsim.control.injectFault({ method: "CloneVM_Task", match: "<name>hung-01</name>", fault: "hang" });
    const args = cloneArgs({ folder: inv.folder, pool: inv.pool, name: "hung-01" });
    const started = Date.now();
    await expect(
      session.call("CloneVM_Task", inv.template, args, AbortSignal.timeout(400)),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);

    // had the hung call cloned anyway, this one would meet DuplicateName
    const retried = await watchTask(session, await startClone(session, inv, { name: "hung-01" }));
    expect(retried.state).toBe("success");
    expect(await session.findByPath("/DC0/vm/hung-01")).toEqual(retried.result);
  });

  it("counts injected calls like any other", async () => {
    await vcsim.control.resetCounts();
    await vcsim.control.injectFault({ method: "FindByInventoryPath", fault: "http500" });
    await session.call(
      "FindByInventoryPath",
      { type: "SearchIndex", value: "SearchIndex" },
      "<inventoryPath>/DC0</inventoryPath>",
    );
    expect(await vcsim.control.counts()).toEqual({ FindByInventoryPath: 1 });
  });

  it("clears rules that have not fired and rejects unknown fault names", async () => {
    await vcsim.control.injectFault({ method: "FindByInventoryPath", fault: "http500", count: 5 });
    await vcsim.control.clearFaults();
    expect(await session.findByPath("/DC0")).toMatchObject({ type: "Datacenter" });
    await expect(vcsim.control.injectFault({ method: "Login", fault: "NoSuchFault" })).rejects.toThrow(
      /NoSuchFault/,
    );
  });
});
