import { env } from "cloudflare:workers";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { callerFor, codeOf, freshKey, requestInput } from "./support/callers.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, report } from "./support/vms.ts";

/** The input field a refusal names (`data.fields` on the wire), or null. */
async function refusedField(promise: Promise<unknown>): Promise<{ code: string; field: unknown } | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const cause = error.cause instanceof ZodError ? error.cause.issues[0]?.path[0] : undefined;
    return { code: error.code, field: cause };
  }
}

async function secondProject(t: TestTenant): Promise<string> {
  const projectId = `${t.projectId}-2`;
  await env.DB.prepare(
    "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, 'ops', 'Ops', 'ops', ?)",
  )
    .bind(projectId, t.tenantId, t.siteId)
    .run();
  return projectId;
}

describe("a VM name among a project's live requests", () => {
  it("refuses a second live request of the same name in the project, naming the field", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    await callerFor(t.member, w).requests.create(requestInput(t.projectId, { name: "web-01" }));
    expect(
      await refusedField(
        callerFor(t.otherMember, w).requests.create(requestInput(t.projectId, { name: "web-01" })),
      ),
    ).toEqual({ code: "CONFLICT", field: "name" });
    const { total } = await callerFor(t.otherMember, w).requests.list({});
    expect(total).toBe(0);
  });

  it("allows the same name in another project and in another tenant", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    const w = testWorkflow();
    await callerFor(t.member, w).requests.create(requestInput(t.projectId, { name: "db-01" }));
    const ops = await secondProject(t);
    expect(await codeOf(callerFor(t.member, w).requests.create(requestInput(ops, { name: "db-01" })))).toBe(
      "resolved",
    );
    expect(
      await codeOf(
        callerFor(other.member, w).requests.create(requestInput(other.projectId, { name: "db-01" })),
      ),
    ).toBe("resolved");
  });

  it("gives the name back when the request is cancelled or rejected", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(t.member, w);
    const first = await member.requests.create(requestInput(t.projectId, { name: "app-01" }));
    await member.requests.cancel({ requestId: first.requestId });
    const second = await member.requests.create(requestInput(t.projectId, { name: "app-01" }));
    await callerFor(t.admin, w).approvals.reject({
      requestId: second.requestId,
      expectedVersion: second.version,
      reason: "use the shared app server instead",
    });
    expect(await codeOf(member.requests.create(requestInput(t.projectId, { name: "app-01" })))).toBe(
      "resolved",
    );
  });

  it("gives the name back when the VM is deleted, and keeps it while the VM lives", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(t.member, w);
    const vmId = await readyVm(w, t, { name: "svc-01" });
    expect(await codeOf(member.requests.create(requestInput(t.projectId, { name: "svc-01" })))).toBe(
      "CONFLICT",
    );
    const { actionId } = await member.vms.delete({ vmId, idempotencyKey: freshKey(), confirmName: "svc-01" });
    if (!actionId) throw new Error("no action");
    const at = w.clock.now().toISOString();
    await report(w, t, {
      vmId,
      actionId,
      update: { kind: "action-done", result: { facts: null, snapshot: null, note: null }, at },
    });
    expect(await codeOf(member.requests.create(requestInput(t.projectId, { name: "svc-01" })))).toBe(
      "resolved",
    );
  });

  it("keeps the name while the request is approved", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(
      requestInput(t.projectId, { name: "api-01" }),
    );
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    expect(
      await codeOf(callerFor(t.member, w).requests.create(requestInput(t.projectId, { name: "api-01" }))),
    ).toBe("CONFLICT");
  });

  it("lets exactly one of two racing submits of one name through", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const outcomes = await Promise.all([
      codeOf(callerFor(t.member, w).requests.create(requestInput(t.projectId, { name: "race-01" }))),
      codeOf(callerFor(t.otherMember, w).requests.create(requestInput(t.projectId, { name: "race-01" }))),
    ]);
    expect(outcomes.sort()).toEqual(["CONFLICT", "resolved"]);
    const live = await env.DB.prepare(
      "SELECT count(*) AS n FROM request_summary WHERE tenant_id = ? AND name = 'race-01'",
    )
      .bind(t.tenantId)
      .first<{ n: number }>();
    expect(live?.n).toBe(1);
  });

  it("still answers a retried submit with its own request, the name being its own", async () => {
    const t = await createTestTenant(env.DB);
    const member = callerFor(t.member, testWorkflow());
    const input = requestInput(t.projectId, { name: "retry-01" });
    const first = await member.requests.create(input);
    expect(await member.requests.create(input)).toEqual(first);
  });
});

describe("requests.nameAvailable", () => {
  it("says whether a name is free in the project, for the form to tell while typing", async () => {
    const t = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(t.member, w);
    const ask = (name: string) =>
      callerFor(t.otherMember, w).requests.nameAvailable({ projectId: t.projectId, name });
    expect(await ask("web-07")).toEqual({ available: true });
    const { requestId } = await member.requests.create(requestInput(t.projectId, { name: "web-07" }));
    expect(await ask("web-07")).toEqual({ available: false });
    await member.requests.cancel({ requestId });
    expect(await ask("web-07")).toEqual({ available: true });
  });

  it("answers another tenant's names as free and refuses an invalid name", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    const w = testWorkflow();
    await callerFor(other.member, w).requests.create(requestInput(other.projectId, { name: "web-08" }));
    expect(
      await callerFor(t.member, w).requests.nameAvailable({ projectId: other.projectId, name: "web-08" }),
    ).toEqual({ available: true });
    expect(
      await codeOf(
        callerFor(t.member, w).requests.nameAvailable({ projectId: t.projectId, name: "Bad_Name" }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(callerFor(null, w).requests.nameAvailable({ projectId: t.projectId, name: "web-08" })),
    ).toBe("UNAUTHORIZED");
  });
});
