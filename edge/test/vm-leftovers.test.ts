import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { readStream } from "../src/event-store/read-stream.ts";
import { rebuildProjections } from "../src/projections/rebuild-projections.ts";
import { watchFromNow } from "./feed-fixtures.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { failure, frame, record, stageAt } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { type TestWorkflow, testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  other = await createTestTenant(env.DB);
});

const at = (s: number) => new Date(Date.parse("2026-03-02T10:00:00.000Z") + s * 1000).toISOString();

/** A request of `name` whose provisioning fails after cloning, its cleanup failed or not. */
async function failedRequest(w: TestWorkflow, name: string, cleanupFailed: boolean): Promise<string> {
  const { requestId, version } = await callerFor(t.member, w).requests.create(
    requestInput(t.projectId, { name }),
  );
  await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
  await record(w, frame(requestId, stageAt("CLONING", new Date(at(0))), { tenantId: t.tenantId }));
  const failed = {
    ...failure,
    code: "TASK_FAILED" as const,
    cleanupFailed,
    technicalDetail: `Destroy_Task: denied; vm vm-77 (${name})`,
  };
  await record(w, frame(requestId, { kind: "failed", failure: failed, at: at(9) }, { tenantId: t.tenantId }));
  return requestId;
}

describe("VMs a failed cleanup left in vCenter", () => {
  it("are listed for the tenant's admins, with the vCenter name, site and detail, and for nobody else", async () => {
    const w = testWorkflow();
    const requestId = await failedRequest(w, "left-01", true);
    const leftovers = await callerFor(t.admin, w).vms.leftovers();
    expect(leftovers).toEqual([
      {
        requestId,
        vmName: "app-left-01",
        projectId: t.projectId,
        siteName: "Lab",
        requester: { id: t.member.userId, name: t.member.name },
        failedAt: at(9),
        failureCode: "TASK_FAILED",
        detail: "Destroy_Task: denied; vm vm-77 (left-01)",
      },
    ]);
    expect(await codeOf(callerFor(t.member, w).vms.leftovers())).toBe("FORBIDDEN");
    expect(await callerFor(other.admin, w).vms.leftovers()).toEqual([]);
  });

  it("are not made of failures whose cleanup worked; clearing one of those is refused", async () => {
    const w = testWorkflow();
    const requestId = await failedRequest(w, "clean-01", false);
    expect((await callerFor(t.admin, w).vms.leftovers()).map((l) => l.requestId)).not.toContain(requestId);
    expect(await codeOf(callerFor(t.admin, w).vms.clearLeftover({ requestId }))).toBe("PRECONDITION_FAILED");
  });

  it("leave the list when an admin clears them, once, on the timeline and in the audit trail", async () => {
    const w = testWorkflow();
    const requestId = await failedRequest(w, "left-02", true);
    const admin = callerFor(t.admin, w);
    // another admin's open page hears of it through the tenant's feed
    const { reader } = await watchFromNow(t.otherAdmin);
    expect(await admin.vms.clearLeftover({ requestId, note: "deleted in the vSphere client" })).toEqual({
      requestId,
      cleared: true,
    });
    await w.settle();
    expect((await reader.next()).frame).toMatchObject({ type: "site", site: { siteId: t.siteId } });
    await reader.cancel();
    expect(await admin.vms.clearLeftover({ requestId })).toEqual({ requestId, cleared: false });
    expect((await admin.vms.leftovers()).map((l) => l.requestId)).not.toContain(requestId);

    const vm = await readStream(env.DB, `vm:${requestId}`);
    expect(vm.events.filter((e) => e.event.type === "VmLeftoverCleared")).toHaveLength(1);
    const detail = await callerFor(t.member, w).requests.get({ requestId });
    expect(detail.timeline.at(-1)).toMatchObject({
      kind: "LEFTOVER_CLEARED",
      detail: "deleted in the vSphere client",
      actor: { kind: "user", id: t.admin.userId },
    });
    const audit = await admin.audit.list({ limit: 5 });
    expect(audit.items[0]).toMatchObject({
      action: "LEFTOVER_CLEARED",
      requestId,
      actor: { id: t.admin.userId },
    });
    // the flag and its clearing are projections of the log like everything else
    expect((await rebuildProjections(env.DB)).equal).toBe(true);
  });

  it("answer another tenant's admin and a member exactly like a missing request", async () => {
    const w = testWorkflow();
    const requestId = await failedRequest(w, "left-03", true);
    const missing = await callerFor(other.admin, w)
      .vms.clearLeftover({ requestId: "no-such-request" })
      .catch((e: Error & { code: string }) => [e.code, e.message]);
    const foreign = await callerFor(other.admin, w)
      .vms.clearLeftover({ requestId })
      .catch((e: Error & { code: string }) => [e.code, e.message]);
    expect(foreign).toEqual(missing);
    expect(missing).toEqual(["NOT_FOUND", "request not found"]);
    expect(await codeOf(callerFor(t.member, w).vms.clearLeftover({ requestId }))).toBe("FORBIDDEN");
    expect((await callerFor(t.admin, w).vms.leftovers()).map((l) => l.requestId)).toContain(requestId);
  });
});
