import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { watchFromNow } from "./feed-fixtures.ts";
import { callerFor, freshKey } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, report } from "./support/vms.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

// every open page learns that a VM changed the moment it did: the tenant's feed (`requests.changes`)
describe("VM changes over requests.changes", () => {
  it("pushes each step of an action to the VM's owner and the admins, never to another member", async () => {
    const w = testWorkflow();
    const vmId = await readyVm(w, t);
    const owner = await watchFromNow(t.member);
    const admin = await watchFromNow(t.admin);
    const other = await watchFromNow(t.otherMember);

    const { actionId } = await callerFor(t.member, w).vms.shutdownGuest({ vmId, idempotencyKey: freshKey() });
    await w.settle();
    const first = await owner.reader.next();
    expect(first.frame).toMatchObject({
      type: "vm",
      vm: { vmId, ownerId: t.member.userId, status: "READY" },
    });
    expect((await admin.reader.next()).frame).toEqual(first.frame);

    await report(w, t, {
      vmId,
      actionId: actionId ?? "",
      update: {
        kind: "step",
        step: "SHUTTING_DOWN_GUEST",
        detail: { fallbackAfterSeconds: 120 },
        at: new Date().toISOString(),
      },
    });
    const step = await owner.reader.next();
    expect(step.frame.type === "vm" && first.frame.type === "vm" && step.frame.vm.version).toBeGreaterThan(
      first.frame.type === "vm" ? first.frame.vm.version : 0,
    );

    // the other member's stream has seen nothing of it: the next frame it gets is its own request's
    const own = await callerFor(t.otherMember, w).requests.create({
      idempotencyKey: freshKey(),
      projectId: t.projectId,
      name: "mine-only",
      size: "S",
      justification: "a request of my own",
    });
    await w.settle();
    expect((await other.reader.next()).frame).toMatchObject({
      type: "change",
      change: { requestId: own.requestId },
    });
    await Promise.all([owner.reader.cancel(), admin.reader.cancel(), other.reader.cancel()]);
  });
});
