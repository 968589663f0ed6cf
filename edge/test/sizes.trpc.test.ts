import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callerFor, freshKey, requestInput } from "./support/callers.ts";
import { ISSUER } from "./support/oidc-issuer.ts";
import { onboardThroughOperatorPath } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm } from "./support/vms.ts";

// The size catalogue per tenant (issue 17): the defaults, custom sizes, edits of unused sizes, retiring
// used ones; requests and resizes resolve through it; each change audited; another tenant's sizes are
// never seen nor touched. In workerd against real D1.

const w = testWorkflow();
const sizes = (t: TestTenant) => callerFor(t.admin, w).sizes;

async function refusal(call: Promise<unknown>) {
  try {
    await call;
    return null;
  } catch (error) {
    const e = error as { code: string; message: string; cause?: { issues?: { path: string[] }[] } };
    return { code: e.code, message: e.message, fields: e.cause?.issues?.map((i) => i.path.join(".")) ?? [] };
  }
}

const GPU = { code: "GPU-1", label: "GPU box", cpu: 12, memoryGb: 48, diskGb: 300 };

describe("size catalogue", () => {
  it("starts a tenant with S, M, L and XL, M picked first", async () => {
    const t = await createTestTenant(env.DB);
    const offered = await callerFor(t.member, w).catalog.sizes();
    expect(offered.map((s) => [s.size, s.label, s.cpu, s.memoryGb, s.diskGb, s.isDefault])).toEqual([
      ["S", "Small", 2, 4, 50, false],
      ["M", "Medium", 4, 8, 100, true],
      ["L", "Large", 8, 16, 200, false],
      ["XL", "Extra large", 16, 32, 500, false],
    ]);
  });

  it("gives a tenant onboarded through the operator path the default catalogue", async () => {
    // a tenant of this test's own: the demo tenants are shared with other files, which add sizes to them
    const slug = `onboarded-${crypto.randomUUID().slice(0, 8)}`;
    await onboardThroughOperatorPath({
      slug,
      name: "Onboarded Ltd",
      identity: { issuer: ISSUER, tenantClaim: "tenant", rolesClaim: "roles" },
      admin: { email: `admin@${slug}.test`, name: "First Admin", subject: `user-${slug}` },
    });
    const admin = {
      userId: `user-${slug}`,
      tenantId: slug,
      role: "admin",
      email: `admin@${slug}.test`,
      name: "First Admin",
      via: "session",
    } as const;
    expect((await callerFor(admin, w).catalog.sizes()).map((s) => s.size)).toEqual(["S", "M", "L", "XL"]);
  });

  it("adds a custom size that requests then snapshot, audited with who added it", async () => {
    const t = await createTestTenant(env.DB);
    expect(await sizes(t).add(GPU)).toEqual({ code: "GPU-1" });
    expect((await callerFor(t.member, w).catalog.sizes()).map((s) => s.size)).toEqual([
      "S",
      "M",
      "L",
      "XL",
      "GPU-1",
    ]);
    const created = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { size: "GPU-1" }),
    );
    const detail = await callerFor(t.member, w).requests.get({ requestId: created.requestId });
    expect(detail.request).toMatchObject({ size: "GPU-1", spec: { cpu: 12, memoryGb: 48, diskGb: 300 } });
    const audit = await callerFor(t.admin, w).audit.list({ limit: 50 });
    expect(audit.items.map((e) => [e.action, e.actor.id, e.summary])).toContainEqual([
      "SIZE_ADDED",
      t.admin.userId,
      "added size GPU-1 (GPU box): 12 vCPU, 48 GB RAM, 300 GB disk",
    ]);
  });

  it("refuses a code the tenant has, and values outside the shared schema, naming the field", async () => {
    const t = await createTestTenant(env.DB);
    expect(await refusal(sizes(t).add({ ...GPU, code: "M" }))).toMatchObject({
      code: "CONFLICT",
      fields: ["code"],
    });
    expect((await refusal(sizes(t).add({ ...GPU, cpu: 0 })))?.fields).toEqual(["cpu"]);
    expect((await refusal(sizes(t).add({ ...GPU, code: "no spaces" })))?.fields).toEqual(["code"]);
    expect((await refusal(sizes(t).add({ ...GPU, diskGb: 1.5 })))?.fields).toEqual(["diskGb"]);
  });

  it("has table checks that match the schema", async () => {
    const t = await createTestTenant(env.DB);
    const insert = (code: string, cpu: number) =>
      env.DB.prepare(
        "INSERT INTO vm_sizes (tenant_id, code, label, cpu, memory_gb, disk_gb, position, created_at) VALUES (?, ?, 'x', ?, 1, 1, 9, 'now')",
      )
        .bind(t.tenantId, code, cpu)
        .run()
        .then(
          () => "stored",
          (e: Error) => (e.message.includes("CHECK") ? "CHECK" : e.message),
        );
    expect(await insert("ok-1", 1)).toBe("stored");
    expect(await insert("bad code", 1)).toBe("CHECK");
    expect(await insert("-x", 1)).toBe("CHECK");
    expect(await insert("big", 129)).toBe("CHECK");
  });

  it("edits a size no request used; a used one is refused and can only be retired", async () => {
    const t = await createTestTenant(env.DB);
    await sizes(t).add(GPU);
    await sizes(t).edit({ ...GPU, label: "GPU box v2", memoryGb: 64 });
    expect((await sizes(t).list()).find((s) => s.code === "GPU-1")).toEqual({
      code: "GPU-1",
      label: "GPU box v2",
      spec: { cpu: 12, memoryGb: 64, diskGb: 300 },
      retiredAt: null,
      requests: 0,
    });
    await callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "GPU-1" }));
    expect(await refusal(sizes(t).edit({ ...GPU, cpu: 1 }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("1 request(s) use this size"),
    });
    expect((await sizes(t).list()).find((s) => s.code === "GPU-1")?.requests).toBe(1);
  });

  it("retires a size: no longer offered nor accepted, still in the request's history", async () => {
    const t = await createTestTenant(env.DB);
    await sizes(t).add(GPU);
    const created = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { size: "GPU-1" }),
    );
    expect(await sizes(t).retire({ code: "GPU-1" })).toEqual({ code: "GPU-1" });
    expect((await callerFor(t.member, w).catalog.sizes()).map((s) => s.size)).not.toContain("GPU-1");
    expect(
      await refusal(callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "GPU-1" }))),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["size"],
    });
    const detail = await callerFor(t.member, w).requests.get({ requestId: created.requestId });
    expect(detail.request).toMatchObject({ size: "GPU-1", spec: { cpu: 12, memoryGb: 48, diskGb: 300 } });
    expect((await sizes(t).list()).find((s) => s.code === "GPU-1")?.retiredAt).toEqual(expect.any(String));
    // retiring again is a no-op; editing a retired size is refused
    expect(await sizes(t).retire({ code: "GPU-1" })).toEqual({ code: "GPU-1" });
    expect((await refusal(sizes(t).edit(GPU)))?.code).toBe("PRECONDITION_FAILED");
    const actions = (await callerFor(t.admin, w).audit.list({ limit: 50 })).items.map((e) => e.action);
    expect(actions.filter((a) => a.startsWith("SIZE_"))).toEqual(["SIZE_RETIRED", "SIZE_ADDED"]);
  });

  it("resizes through the tenant's catalogue: a custom size's spec, never a retired or unknown one", async () => {
    const t = await createTestTenant(env.DB);
    await sizes(t).add({
      ...GPU,
      code: "M-plus",
      label: "M with more RAM",
      cpu: 4,
      memoryGb: 12,
      diskGb: 100,
    });
    await sizes(t).add({ ...GPU, code: "old", label: "Old", cpu: 2, memoryGb: 8, diskGb: 100 });
    await sizes(t).retire({ code: "old" });
    const vmId = await readyVm(w, t);
    const owner = callerFor(t.member, w).vms;
    expect(await refusal(owner.resize({ vmId, idempotencyKey: freshKey(), size: "old" }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["size"],
    });
    expect((await refusal(owner.resize({ vmId, idempotencyKey: freshKey(), size: "nope" })))?.code).toBe(
      "BAD_REQUEST",
    );
    const up = await owner.resize({ vmId, idempotencyKey: freshKey(), size: "M-plus" });
    expect(up).toMatchObject({ outcome: "awaiting-approval" });
    const queue = await callerFor(t.otherAdmin, w).approvals.resizes({});
    expect(queue.items.find((r) => r.vmId === vmId)?.to).toEqual({
      size: "M-plus",
      spec: { cpu: 4, memoryGb: 12, diskGb: 100 },
    });
    // a size a pending resize names is in use: its values are fixed now
    expect(
      (
        await refusal(
          sizes(t).edit({ ...GPU, code: "M-plus", label: "x", cpu: 4, memoryGb: 12, diskGb: 100 }),
        )
      )?.code,
    ).toBe("PRECONDITION_FAILED");
  });

  it("is admins' only, and another tenant's size answers like a missing one", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await sizes(other).add(GPU);
    expect((await refusal(callerFor(t.member, w).sizes.list()))?.code).toBe("FORBIDDEN");
    expect((await refusal(callerFor(t.member, w).sizes.add(GPU)))?.code).toBe("FORBIDDEN");
    expect((await sizes(t).list()).map((s) => s.code)).toEqual(["S", "M", "L", "XL"]);
    expect((await refusal(sizes(t).edit(GPU)))?.code).toBe("NOT_FOUND");
    expect((await refusal(sizes(t).retire({ code: "GPU-1" })))?.code).toBe("NOT_FOUND");
    expect(
      await refusal(callerFor(t.member, w).requests.create(requestInput(t.projectId, { size: "GPU-1" }))),
    ).toMatchObject({
      code: "BAD_REQUEST",
    });
    // and the other tenant's size is untouched
    expect((await sizes(other).list()).find((s) => s.code === "GPU-1")?.retiredAt).toBeNull();
  });
});
