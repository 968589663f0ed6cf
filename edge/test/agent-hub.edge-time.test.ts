import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { hubOf } from "./agent-support.ts";
import { callerFor } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { agentRunningJob } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";

beforeAll(() => seedReferenceData(env.DB));

const DAY_MS = 86_400_000;

describe("edge time is authoritative", () => {
  it("records an agent's reports at the edge's time, keeping its far-ahead clock as metadata only", async () => {
    const { t, requestId, jobId, agent } = await agentRunningJob();
    const w = testWorkflow();

    // the agent's clock runs a day ahead; its stages are 10 minutes apart by that clock
    const agentClock = (minutes: number) => new Date(Date.now() + DAY_MS + minutes * 60_000).toISOString();
    const before = Date.now();
    agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 1,
      update: { kind: "stage", stage: "CLONING", at: agentClock(0) },
    });
    await agent.next("ack");
    agent.send({
      type: "job.progress",
      jobId,
      epoch: 1,
      seq: 2,
      update: { kind: "stage", stage: "CONFIGURING", at: agentClock(10) },
    });
    await agent.next("ack");
    const after = Date.now();

    const vm = await readStream(env.DB, streamIds.vm(requestId));
    for (const e of vm.events) {
      expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(after);
      expect(Date.parse(e.metadata.agentAt ?? "")).toBeGreaterThan(after + DAY_MS / 2);
    }
    // the cloning stage lasted what the edge saw, not the agent's 10 minutes (the hub holds the later
    // stage for the outcome to carry)
    const [configuring] = (await hubOf(t.siteId).jobStatus(jobId))?.stagesReached ?? [];
    expect(configuring?.stage).toBe("CONFIGURING");
    expect(Date.parse(configuring?.at ?? "")).toBeLessThanOrEqual(after);
    expect(configuring?.previous?.stage).toBe("CLONING");
    expect(configuring?.previous?.durationMs).toBeLessThanOrEqual(after - before);

    // what the requester sees: stages started at edge time
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    for (const stage of detail.stages) expect(Date.parse(stage.startedAt)).toBeLessThanOrEqual(after);
  });
});
