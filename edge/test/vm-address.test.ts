import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { helloAgent, type TestAgent } from "./agent-support.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { provisionToReady } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

/** Answers the hub's next `vm.status` call the way the agent does, with the address vCenter shows now. */
async function answerStatus(agent: TestAgent, ipAddress: string | null) {
  const call = await agent.next("call");
  agent.send({
    type: "call.result",
    ref: call.id,
    result: {
      method: "vm.status",
      outcome: {
        ok: true,
        value: {
          vmwareId: "vm-1001",
          powerState: "poweredOn",
          toolsRunning: true,
          ipAddress,
          hostname: "api-01",
          checkedAt: new Date().toISOString(),
        },
      },
    },
  });
}

describe("an address that arrives after the network wait", () => {
  it("is recorded when a status refresh finds it: the card and the timeline show it, once", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: 1 });
    // ready without an address: VMware Tools reported none within the wait
    await provisionToReady(w, {
      requestId,
      tenantId: t.tenantId,
      start: new Date(Date.now() - 60_000),
      ipAddress: null,
    });
    const before = await callerFor(t.member, w).requests.get({ requestId });
    expect(before.request.vm?.ipAddress ?? null).toBeNull();

    const { agent } = await helloAgent((await enrollTenantAgent(t)).credential, { calls: ["vm.status"] });
    const member = callerFor(t.member, w);
    const refreshed = member.vms.status({ requestId });
    await answerStatus(agent, "198.18.0.42");
    expect(await refreshed).toMatchObject({ ipAddress: "198.18.0.42" });

    const after = await member.requests.get({ requestId });
    expect(after.request.vm?.ipAddress).toBe("198.18.0.42");
    expect(after.timeline.at(-1)).toMatchObject({
      kind: "ADDRESS_OBSERVED",
      detail: expect.stringContaining("198.18.0.42"),
      actor: { kind: "user", id: t.member.userId },
    });

    // the same address again records nothing more (answered from the hub's few-seconds status cache,
    // so no second call reaches the agent)
    expect(await member.vms.status({ requestId })).toMatchObject({ ipAddress: "198.18.0.42" });
    const vm = await readStream(env.DB, streamIds.vm(requestId));
    expect(vm.events.filter((e) => e.event.type === "VmAddressObserved")).toHaveLength(1);
  });
});
