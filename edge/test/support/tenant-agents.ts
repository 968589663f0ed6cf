import { env } from "cloudflare:workers";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { createContextInner } from "../../src/trpc/context.ts";
import { appRouter } from "../../src/trpc/router.ts";
import { createCallerFactory } from "../../src/trpc/trpc.ts";
import { enroll, helloAgent, hubOf, type TestAgent, takeJob } from "../agent-support.ts";
import { callerFor, requestInput } from "./callers.ts";
import { type TestWorkflow, testWorkflow } from "./test-deps.ts";
import { createTestTenant, type TestTenant } from "./test-tenant.ts";

const caller = createCallerFactory(appRouter);

/** An inventory with nothing in it; tests fill in the part they are about. */
export const emptyReport = (collectedAt = "2026-11-22T10:00:00.000Z"): InventoryReport => ({
  collectedAt,
  vcenter: { apiVersion: "6.5", fullName: "vcsim" },
  datacenters: [{ path: "/DC0", name: "DC0" }],
  templates: [],
  networks: [],
  folders: [],
  datastores: [],
  pools: [],
});

/** Enrolls an agent for the tenant's site the way an admin would: a token from `agents.createEnrollmentToken`. */
export async function enrollTenantAgent(
  t: TestTenant,
  name = "agent-1",
): Promise<{ agentId: string; credential: string }> {
  const api = caller(createContextInner({ env, principal: t.admin }));
  const token = await api.agents.createEnrollmentToken({ siteId: t.siteId });
  const res = await enroll(token.token, name);
  if (res.status !== 201) throw new Error(`enrollment refused: ${res.status} ${await res.text()}`);
  return res.json<{ agentId: string; credential: string }>();
}

/** A connected agent of the tenant's site that reported `report`; the hub acknowledged, so it is cached. */
export async function reportingAgent(t: TestTenant, report: InventoryReport): Promise<TestAgent> {
  const { credential } = await enrollTenantAgent(t);
  const { agent } = await helloAgent(credential);
  agent.send({ type: "inventory.report", seq: 1, report });
  await agent.next("ack");
  return agent;
}

/**
 * A fresh tenant's request, submitted and approved through the API, whose job its site's hub queued and
 * a connected agent of the site took (epoch 1, no frame sent yet).
 */
export async function agentRunningJob(): Promise<{
  t: TestTenant;
  w: TestWorkflow;
  requestId: string;
  jobId: string;
  agent: TestAgent;
}> {
  const t = await createTestTenant(env.DB);
  const w = testWorkflow();
  const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: 1 });
  await w.settle();
  const [dispatch] = w.dispatcher.calls;
  if (!dispatch) throw new Error("approval dispatched no job");
  await hubOf(t.siteId).enqueueJob(dispatch);
  const { agent } = await helloAgent((await enrollTenantAgent(t)).credential);
  const jobId = dispatch.job.jobId;
  await takeJob(agent, jobId);
  return { t, w, requestId, jobId, agent };
}
