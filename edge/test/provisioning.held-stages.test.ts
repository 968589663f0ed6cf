import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import type { TestAgent } from "./agent-support.ts";
import { progressStub, subscribe, subscriber } from "./progress-fixtures.ts";
import { callerFor } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { agentRunningJob } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import type { TestTenant } from "./support/test-tenant.ts";

// A provisioning job's stages after the first are held by its site's hub while it runs (its outcome
// carries them into the log): what shows a run in flight reads them from there.

beforeAll(() => seedReferenceData(env.DB));

const STAGES = ["CLONING", "CONFIGURING", "POWERING_ON"] as const;

interface Running {
  t: TestTenant;
  requestId: string;
  jobId: string;
  agent: TestAgent;
  /** when the hub had acked each stage (its time of receipt is no later) */
  acked: number[];
}

/** An approved request whose job an agent took through the hub and reported three stages of. */
async function runningJob(): Promise<Running> {
  const { t, requestId, jobId, agent } = await agentRunningJob();
  const acked: number[] = [];
  for (const [i, stage] of STAGES.entries()) {
    const at = new Date().toISOString();
    agent.send({ type: "job.progress", jobId, epoch: 1, seq: i + 1, update: { kind: "stage", stage, at } });
    await agent.next("ack");
    acked.push(Date.now());
  }
  return { t, requestId, jobId, agent, acked };
}

describe("stages the hub holds while the job runs", () => {
  it("show on the request's page after a reload: the current stage and every stage so far, timed", async () => {
    const { t, requestId, acked } = await runningJob();
    // only the first stage is in the log
    expect((await readStream(env.DB, streamIds.vm(requestId))).events.map((e) => e.event.type)).toEqual([
      "VmProvisioningStarted",
    ]);
    const detail = await callerFor(t.member, testWorkflow()).requests.get({ requestId });
    expect(detail.request).toMatchObject({ status: "PROVISIONING", stage: "POWERING_ON" });
    expect(detail.stages.map((s) => s.stage)).toEqual([...STAGES]);
    // each finished stage with its duration, the current one still running
    expect(detail.stages.map((s) => s.durationMs === null)).toEqual([false, false, true]);
    for (const [i, s] of detail.stages.entries())
      expect(Date.parse(s.startedAt)).toBeLessThanOrEqual(acked[i] ?? 0);
    expect(detail.timeline.filter((e) => e.kind === "STAGE_REACHED").map((e) => e.title)).toEqual([
      "Cloning the template",
      "Configuring hardware",
      "Powering on",
    ]);
  });

  it("are read by a progress object that lost its storage mid-run, so the stepper's snapshot has them", async () => {
    const { t, requestId } = await runningJob();
    const stub = progressStub(requestId);
    await runInDurableObject(stub, (_instance, state) => state.storage.deleteAll());
    await evictDurableObject(stub);
    const reader = await subscribe(subscriber(requestId, { tenantId: t.tenantId }));
    const snapshot = await reader.next();
    expect(snapshot).toMatchObject({ type: "snapshot", state: { currentStage: "POWERING_ON" } });
    const stages = snapshot.type === "snapshot" ? snapshot.state.stages : [];
    expect(stages.map((s) => [s.stage, s.endedAt === null])).toEqual([
      ["CLONING", false],
      ["CONFIGURING", false],
      ["POWERING_ON", true],
    ]);
  });

  it("reach the log with the outcome, which the request's timeline and the ETA statistics read", async () => {
    const { t, requestId, jobId, agent } = await runningJob();
    const vm = { vmwareId: "vm-77", vmName: "web-77", hostname: "web-77", ipAddress: "10.0.0.77" };
    agent.send({
      type: "job.result",
      jobId,
      epoch: 1,
      seq: STAGES.length + 1,
      outcome: { ok: true, vm },
      at: new Date().toISOString(),
    });
    await agent.next("ack");
    const events = (await readStream(env.DB, streamIds.vm(requestId))).events.map((e) => e.event);
    expect(events.map((e) => e.type)).toEqual(["VmProvisioningStarted", "VmProvisioned"]);
    const carried = events[1]?.type === "VmProvisioned" ? (events[1].data.stages ?? []) : [];
    expect(carried.map((s) => [s.stage, s.previous?.stage])).toEqual([
      ["CONFIGURING", "CLONING"],
      ["POWERING_ON", "CONFIGURING"],
    ]);
    const detail = await callerFor(t.member, testWorkflow()).requests.get({ requestId });
    expect(detail.stages.map((s) => s.stage)).toEqual([...STAGES, "READY"]);
  });
});
