import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Caller, callerFor, requestInput } from "./support/callers.ts";
import { frame, record, stageAt } from "./support/job-updates.ts";
import { ACME_WEB, adam, alice, GLOBEX_SHOP, gary, gina } from "./support/principals.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";

const w = testWorkflow();
let acmeRequest = { requestId: "", version: 0 };

beforeAll(async () => {
  await seedReferenceData(env.DB);
  acmeRequest = await callerFor(alice, w).requests.create(requestInput(ACME_WEB));
  await callerFor(gina, w).requests.create(requestInput(GLOBEX_SHOP));
});

// what the caller gets back: the tRPC code and message, which must not tell "foreign" from "missing"
async function outcome(
  call: (api: Caller, requestId: string) => Promise<unknown>,
  caller: Caller,
  requestId: string,
) {
  try {
    await call(caller, requestId);
    return "resolved";
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code}: ${message}`;
  }
}

const procedures: [string, (api: Caller, requestId: string) => Promise<unknown>][] = [
  ["requests.get", (api, requestId) => api.requests.get({ requestId })],
  ["requests.cancel", (api, requestId) => api.requests.cancel({ requestId })],
  ["approvals.approve", (api, requestId) => api.approvals.approve({ requestId, expectedVersion: 1 })],
  [
    "approvals.reject",
    (api, requestId) => api.approvals.reject({ requestId, expectedVersion: 1, reason: "not for you at all" }),
  ],
];

describe("cross-tenant sweep", () => {
  it.each(procedures)("%s answers another tenant's id exactly like a missing one", async (_name, call) => {
    // a member meets FORBIDDEN on admin procedures first, equally for foreign and missing ids
    for (const intruder of [gina, gary]) {
      const api = callerFor(intruder, w);
      const foreign = await outcome(call, api, acmeRequest.requestId);
      const missing = await outcome(call, api, "req_00000000000000000000000000000000");
      expect(foreign).toBe(missing);
      if (intruder === gary) expect(foreign).toMatch(/^NOT_FOUND/);
    }
  });

  it("leaves the foreign request untouched after every attempt", async () => {
    const detail = await callerFor(alice, w).requests.get({ requestId: acmeRequest.requestId });
    expect(detail.request).toMatchObject({ status: "PENDING", version: 1 });
  });

  it("refuses another tenant's project like a missing one", async () => {
    const foreign = await callerFor(gina, w)
      .requests.create(requestInput(ACME_WEB))
      .catch((e: Error) => e.message);
    const missing = await callerFor(gina, w)
      .requests.create(requestInput("proj-none"))
      .catch((e: Error) => e.message);
    expect(foreign).toBe(missing);
  });

  it("shows lists, queues, VMs, audit and catalogue of the caller's tenant only", async () => {
    const globex = callerFor(gary, w);
    const acmeId = acmeRequest.requestId;
    expect((await callerFor(gina, w).requests.list({})).items.map((r) => r.requestId)).not.toContain(acmeId);
    expect((await globex.approvals.pending({})).items.map((r) => r.requestId)).not.toContain(acmeId);
    expect((await globex.vms.list({})).items.map((r) => r.requestId)).not.toContain(acmeId);
    expect((await globex.audit.list({})).items.map((e) => e.requestId)).not.toContain(acmeId);
    expect((await globex.catalog.projects()).map((p) => p.projectId)).toEqual([
      "proj-globex-analytics",
      "proj-globex-shop",
    ]);
    expect((await callerFor(adam, w).approvals.pending({})).items.map((r) => r.requestId)).toContain(acmeId);
  });

  it("refuses an agent report that names another tenant", async () => {
    const { requestId, version } = await callerFor(alice, w).requests.create(requestInput(ACME_WEB));
    await callerFor(adam, w).approvals.approve({ requestId, expectedVersion: version });
    const result = await record(w, frame(requestId, stageAt("CLONING", new Date()), { tenantId: "globex" }));
    expect(result.ok ? "recorded" : result.error.code).toBe("REQUEST_NOT_FOUND");
  });
});
