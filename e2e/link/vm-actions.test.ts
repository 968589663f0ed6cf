import { sampleJob } from "@gantry/agent/jobs/sample-job";
import type { VmSnapshotCreateJob } from "@gantry/shared/jobs/vm-action-job";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, enrollNewAgent, startAgent } from "./support/agent-process.ts";
import { LinkEdge } from "./support/edge-process.ts";
import { waitForJob } from "./support/jobs.ts";
import { LinkVcsim } from "./support/link-vcsim.ts";

// A VM action is a leased job like provisioning: journaled by the agent before it acts, so a real
// `gantry-agent run` killed in the middle of one and restarted resumes it under the same lease and
// finishes it without doing it twice. A snapshot takes 3 s here, so there is a middle to kill it in.
const tenantId = "acme";
const siteId = "site-vm-actions";
let edge: LinkEdge;
let tokens: string[];
let vcsim: LinkVcsim;
const running: AgentProcess[] = [];

beforeAll(async () => {
  [{ edge, tokens }, vcsim] = await Promise.all([
    LinkEdge.start({ leaseTtlMs: 30_000, renewIntervalMs: 1000, tokens: [{ tenantId, siteId }] }),
    LinkVcsim.start({ guestBootDelayMs: 500, taskDelaysMs: { CreateSnapshot_Task: 3000 } }),
  ]);
});
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await Promise.all([edge?.stop(), vcsim?.stop()]);
});

function start(name: string, stateDir: string): AgentProcess {
  const agent = startAgent({ name, stateDir, vcenter: vcsim.agentConfig(stateDir) });
  running.push(agent);
  return agent;
}

describe("VM actions over the link", () => {
  it("an agent killed mid-snapshot and restarted resumes the action and adopts the snapshot: one, not two", async () => {
    const stateDir = await enrollNewAgent("vm-actions", edge.url, tokens[0] ?? "");
    const first = start("actions-1", stateDir);
    await first.waitForLog("connected to edge");

    // a VM Gantry built (it carries the request's marker), provisioned through the same link
    await edge.enqueue({ tenantId, siteId, job: sampleJob("act-1") });
    expect(await waitForJob(edge, siteId, "act-1", (s) => s.state === "done")).toMatchObject({
      outcome: "succeeded",
    });
    const [vm] = await vcsim.vmsOf("req-act-1");
    if (!vm) throw new Error("the VM was not built");

    const snapshots = await vcsim.calls("CreateSnapshot_Task");
    const job: VmSnapshotCreateJob = {
      kind: "vm.snapshot-create",
      jobId: "act-1-snapshot",
      requestId: "req-act-1",
      vmwareId: vm.moref,
      vmName: vm.name,
      deadline: new Date(Date.now() + 5 * 60_000).toISOString(),
      name: "before upgrade",
      withMemory: false,
    };
    await edge.enqueue({ tenantId, siteId, job });
    // killed once vCenter has the task: the snapshot outlives the process that asked for it
    await expect
      .poll(async () => (await vcsim.calls("CreateSnapshot_Task")) - snapshots, { timeout: 20_000 })
      .toBe(1);
    first.signal("SIGKILL");
    await first.proc.exited;
    await expect
      .poll(async () => (await vcsim.handle.control.vm({ moref: vm.moref })).snapshots.length, {
        timeout: 10_000,
      })
      .toBe(1);

    const second = start("actions-2", stateDir);
    const started = await second.waitForLog("agent started");
    expect(started.resuming).toBe(1);
    const done = await waitForJob(edge, siteId, job.jobId, (s) => s.state === "done");
    expect(done).toMatchObject({ outcome: "succeeded", epoch: 1, attempt: 1 });
    await second.waitForLog("adopting the snapshot an earlier run of this job made");
    expect((await vcsim.handle.control.vm({ moref: vm.moref })).snapshots).toEqual([
      expect.objectContaining({ name: "before upgrade" }),
    ]);
    expect((await vcsim.calls("CreateSnapshot_Task")) - snapshots).toBe(1);
  });
});
