import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hubJobDispatcher } from "../src/deps.ts";
import { helloAgent, takeJob } from "./agent-support.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { enrollTenantAgent } from "./support/tenant-agents.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

/** A fresh tenant whose approvals go to its site's real hub. */
async function tenantWithHub(): Promise<{ t: TestTenant; w: TestWorkflow }> {
  return { t: await createTestTenant(env.DB), w: testWorkflow({ dispatcher: hubJobDispatcher(env) }) };
}

async function approved(t: TestTenant, w: TestWorkflow): Promise<string> {
  const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
  await w.settle();
  return requestId;
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ["resolved"],
    (e: Error & { code: string }) => [e.code, e.message],
  );

describe("requests.waiting", () => {
  it("tells the requester why their approved request has not started, until an agent takes it", async () => {
    const { t, w } = await tenantWithHub();
    const requestId = await approved(t, w);
    const member = callerFor(t.member, w);
    expect(await member.requests.waiting({ requestId })).toEqual({
      reason: "no agent has connected for site Lab yet",
      stopping: false,
    });

    const agent = await helloAgent((await enrollTenantAgent(t, "a")).credential);
    await takeJob(agent.agent, `job-${requestId}`);
    expect(await member.requests.waiting({ requestId })).toEqual({ reason: null, stopping: false });
  });

  it("says nothing for a request that does not wait for an agent", async () => {
    const { t, w } = await tenantWithHub();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(await callerFor(t.member, w).requests.waiting({ requestId })).toEqual({
      reason: null,
      stopping: false,
    });
  });

  it("answers other tenants and other members exactly like a missing request", async () => {
    const { t, w } = await tenantWithHub();
    const other = await createTestTenant(env.DB);
    const requestId = await approved(t, w);
    const missing = await failureOf(callerFor(t.member, w).requests.waiting({ requestId: "req_missing" }));
    expect(missing).toEqual(["NOT_FOUND", "request not found"]);
    for (const someone of [other.admin, other.member, t.otherMember]) {
      expect(await failureOf(callerFor(someone, w).requests.waiting({ requestId }))).toEqual(missing);
    }
    expect(await callerFor(t.admin, w).requests.waiting({ requestId })).toEqual({
      reason: "no agent has connected for site Lab yet",
      stopping: false,
    });
  });
});
