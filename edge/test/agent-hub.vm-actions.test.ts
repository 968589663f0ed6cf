import { env } from "cloudflare:workers";
import { VM_ACTION_JOB_KINDS } from "@gantry/shared/jobs/vm-action-job";
import { beforeAll, describe, expect, it } from "vitest";
import { hubJobDispatcher } from "../src/deps.ts";
import { connectAgent, hubOf, type TestAgent } from "./agent-support.ts";
import { callerFor, freshKey } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, vmFacts } from "./support/vms.ts";

// VM actions and drift through a site's real AgentHub: which agents are offered an action (version
// skew), the action's frames recorded on the VM's stream, and drift reports

const at = () => new Date().toISOString();

/** An agent of the tenant's site, enrolled and welcomed; `jobs` absent: an agent older than protocol 3. */
async function agentOf(t: TestTenant, input: { name: string; protocols: number[]; jobs?: string[] }) {
  const { credential } = await enrollTenantAgent(t, input.name);
  const agent = await connectAgent(credential);
  agent.send({
    type: "hello",
    agent: { version: input.jobs ? "0.2.0" : "0.1.0" },
    protocols: input.protocols,
    capacity: 2,
    draining: false,
    running: [],
    ...(input.jobs ? { jobs: input.jobs } : {}),
  });
  const welcome = await agent.next("welcome");
  return { agent, welcome };
}

/** Takes the next offer, accepts it, and returns the grant. */
async function take(agent: TestAgent) {
  const offer = await agent.next("job.offer");
  agent.send({ type: "job.accept", jobId: offer.jobId });
  return agent.next("job.granted");
}

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

describe("VM actions through the site's hub", () => {
  it("offers an action only to an agent that names it, and refuses it while only older agents are connected", async () => {
    const w = testWorkflow({ dispatcher: hubJobDispatcher(env) });
    // provisioned through a recording dispatcher: the site's hub sees only the action's job
    const vmId = await readyVm(testWorkflow(), t);
    const { agent: legacy, welcome } = await agentOf(t, { name: "legacy", protocols: [1] });
    expect(welcome.protocol).toBe(1);
    expect(await hubOf(t.siteId).capabilities()).toEqual({
      connected: 1,
      jobs: ["provision-vm"],
      versions: ["0.1.0"],
    });
    const refused = await callerFor(t.member, w)
      .vms.powerOff({ vmId, idempotencyKey: freshKey() })
      .catch((e: { code: string; message: string }) => e);
    expect(refused).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/version 0\.2\.0 or later/),
    });

    // protocol 2 (inventory in parts) has no VM actions, even if the agent names them
    const { agent: v2agent, welcome: v2 } = await agentOf(t, {
      name: "v2",
      protocols: [2, 1],
      jobs: ["provision-vm", ...VM_ACTION_JOB_KINDS],
    });
    expect(v2.protocol).toBe(2);
    expect((await hubOf(t.siteId).capabilities()).jobs).toEqual(["provision-vm"]);

    const { agent: current, welcome: v3 } = await agentOf(t, {
      name: "current",
      protocols: [3, 2, 1],
      jobs: ["provision-vm", ...VM_ACTION_JOB_KINDS],
    });
    expect(v3.protocol).toBe(3);
    const accepted = await callerFor(t.member, w).vms.powerOff({
      vmId,
      idempotencyKey: freshKey(),
      reason: "done for today",
    });
    await w.settle();
    const grant = await take(current);
    expect(grant.job).toMatchObject({
      kind: "vm.power-off",
      jobId: `job-${accepted.actionId}`,
      vmwareId: "vm-1001",
      requestId: vmId,
    });
    // the older agents were never offered it
    expect(legacy.received.filter((f) => f.type === "job.offer")).toEqual([]);
    expect(v2agent.received.filter((f) => f.type === "job.offer")).toEqual([]);

    // the agent's frames land on the VM's stream: a step, then the outcome; each acked
    current.send({
      type: "job.progress",
      jobId: grant.jobId,
      epoch: grant.epoch,
      seq: 1,
      update: { kind: "step", step: "POWERING_OFF", detail: {}, at: at() },
    });
    expect(await current.next("ack")).toMatchObject({ jobId: grant.jobId, seq: 1 });
    expect((await callerFor(t.member, w).vms.get({ vmId })).vm.action).toMatchObject({
      step: "POWERING_OFF",
      message: "Powering off…",
    });
    current.send({
      type: "job.result",
      jobId: grant.jobId,
      epoch: grant.epoch,
      seq: 2,
      at: at(),
      outcome: {
        status: "done",
        result: { facts: vmFacts({ powerState: "poweredOff", ipAddress: null }), snapshot: null, note: null },
      },
    });
    expect(await current.next("ack")).toMatchObject({ jobId: grant.jobId, seq: 2 });
    const detail = await callerFor(t.member, w).vms.get({ vmId });
    expect(detail.vm).toMatchObject({ powerState: "poweredOff", action: null });
    expect(detail.timeline.map((e) => [e.kind, e.actor.kind])).toEqual([
      ["PROVISIONED", "agent"],
      // the lease starts in the same commit as READY, the agent's report
      ["LEASE", "agent"],
      ["ACTION_REQUESTED", "user"],
      ["ACTION_STEP", "agent"],
      ["ACTION_SUCCEEDED", "agent"],
    ]);
    expect((await hubOf(t.siteId).jobStatus(grant.jobId))?.outcome).toBe("succeeded");
    legacy.ws.close();
    v2agent.ws.close();
    current.ws.close();
  });

  it("records an action the agent reports failed, and a refusal like MARKER_MISMATCH in the history", async () => {
    const w = testWorkflow({ dispatcher: hubJobDispatcher(env) });
    const vmId = await readyVm(testWorkflow(), t);
    const { agent } = await agentOf(t, { name: "marker", protocols: [3], jobs: [...VM_ACTION_JOB_KINDS] });
    const { name } = (await callerFor(t.member, w).vms.get({ vmId })).vm;
    await callerFor(t.member, w).vms.delete({ vmId, idempotencyKey: freshKey(), confirmName: name });
    await w.settle();
    const grant = await take(agent);
    agent.send({
      type: "job.result",
      jobId: grant.jobId,
      epoch: grant.epoch,
      seq: 1,
      at: at(),
      outcome: {
        status: "failed",
        failure: {
          code: "MARKER_MISMATCH",
          userMessage: "",
          technicalDetail: "vm-1001 carries gantry.requestId=req-other",
          retriable: false,
          attempts: 1,
        },
      },
    });
    await agent.next("ack");
    const member = await callerFor(t.member, w).vms.get({ vmId });
    expect(member.vm.status).toBe("READY");
    expect(member.lastFailure).toMatchObject({
      kind: "delete",
      code: "MARKER_MISMATCH",
      userMessage: expect.stringMatching(/did not touch it/),
    });
    expect(member.timeline.at(-1)).not.toHaveProperty("technicalDetail");
    const admin = await callerFor(t.admin, w).vms.get({ vmId });
    expect(admin.timeline.at(-1)?.technicalDetail).toMatch(/MARKER_MISMATCH .*req-other/);
    agent.ws.close();
  });
});

describe("drift reports through the site's hub", () => {
  it("records a change made outside Gantry and a VM destroyed outside it, and acks each batch", async () => {
    const w = testWorkflow();
    const changed = await readyVm(w, t);
    const destroyed = await readyVm(w, t);
    const { agent } = await agentOf(t, { name: "drift", protocols: [3, 1], jobs: [...VM_ACTION_JOB_KINDS] });
    const id = agent.send({
      type: "vm.observed",
      observations: [
        {
          kind: "seen",
          requestId: changed,
          vmwareId: "vm-1001",
          facts: vmFacts({ powerState: "poweredOff", name: "renamed", ipAddress: null }),
          at: at(),
        },
        { kind: "gone", requestId: destroyed, vmwareId: "vm-1001", at: at() },
        // as Gantry left it: nothing to record
        {
          kind: "seen",
          requestId: changed,
          vmwareId: "vm-1001",
          facts: vmFacts({ powerState: "poweredOff", name: "renamed", ipAddress: null }),
          at: at(),
        },
      ],
    });
    expect(await agent.next("ack")).toMatchObject({ ref: id });
    const drifted = await callerFor(t.member, w).vms.get({ vmId: changed });
    expect(drifted.vm).toMatchObject({
      powerState: "poweredOff",
      vmName: "renamed",
      driftedAt: expect.any(String),
    });
    expect(drifted.timeline.at(-1)).toMatchObject({
      kind: "CHANGED_OUTSIDE_GANTRY",
      actor: { kind: "agent" },
      changes: [
        { field: "name", from: "web-api-01", to: "renamed" },
        { field: "powerState", from: "poweredOn", to: "poweredOff" },
      ],
    });
    expect(drifted.timeline.filter((e) => e.kind === "CHANGED_OUTSIDE_GANTRY")).toHaveLength(1);
    const gone = await callerFor(t.member, w).vms.get({ vmId: destroyed });
    expect(gone.vm.status).toBe("GONE");
    expect(gone.actions.filter((a) => a.available).map((a) => a.kind)).toEqual(["delete"]);
    const audit = (await callerFor(t.admin, w).audit.list({})).items.filter(
      (e) => [changed, destroyed].includes(e.requestId ?? "") && e.action.startsWith("VM_"),
    );
    expect(audit.map((e) => e.action).sort()).toEqual(["VM_CHANGED_OUTSIDE_GANTRY", "VM_GONE"]);
    agent.ws.close();
  });

  it("ignores observations of VMs of another tenant or site, of a VM busy with Gantry's own action, and older than its READY", async () => {
    const w = testWorkflow();
    const other = await createTestTenant(env.DB);
    const foreign = await readyVm(w, other);
    const busy = await readyVm(w, t);
    // another agent of the site saw this VM powered off while a job was still building it
    const whileBuilding = new Date(w.clock.now().getTime() - 1000).toISOString();
    const built = await readyVm(w, t);
    const { agent } = await agentOf(t, { name: "nosy", protocols: [3], jobs: [...VM_ACTION_JOB_KINDS] });
    await callerFor(t.member, w).vms.powerOff({ vmId: busy, idempotencyKey: freshKey() });
    await w.settle();
    agent.send({
      type: "vm.observed",
      observations: [
        { kind: "gone", requestId: foreign, vmwareId: "vm-1001", at: at() },
        {
          kind: "seen",
          requestId: busy,
          vmwareId: "vm-1001",
          facts: vmFacts({ powerState: "poweredOff" }),
          at: at(),
        },
        {
          kind: "seen",
          requestId: built,
          vmwareId: "vm-1001",
          facts: vmFacts({ powerState: "poweredOff", ipAddress: null }),
          at: whileBuilding,
        },
      ],
    });
    await agent.next("ack");
    expect((await callerFor(other.member, w).vms.get({ vmId: foreign })).vm.status).toBe("READY");
    const stillReady = await callerFor(t.member, w).vms.get({ vmId: built });
    expect(stillReady.vm).toMatchObject({ powerState: "poweredOn", ipAddress: expect.any(String) });
    expect(stillReady.timeline.map((e) => e.kind)).not.toContain("CHANGED_OUTSIDE_GANTRY");
    const own = await callerFor(t.member, w).vms.get({ vmId: busy });
    expect(own.timeline.map((e) => e.kind)).not.toContain("CHANGED_OUTSIDE_GANTRY");
    expect(own.vm.powerState).toBe("poweredOn");
    agent.ws.close();
  });
});
