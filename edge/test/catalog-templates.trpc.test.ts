import { env } from "cloudflare:workers";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { describe, expect, it } from "vitest";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { emptyReport, reportingAgent } from "./support/tenant-agents.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

const caller = createCallerFactory(appRouter);
const as = (principal: TestTenant["member"]) => caller(createContextInner({ env, principal }));

const report: InventoryReport = {
  ...emptyReport(),
  templates: [
    {
      path: "/DC0/vm/ubuntu-22.04-tmpl",
      name: "ubuntu-22.04-tmpl",
      cpu: 2,
      memoryMb: 4096,
      diskGb: 40,
      guestId: "ubuntu64Guest",
    },
    { path: "/DC0/vm/windows-2022-tmpl", name: "windows-2022-tmpl", cpu: 4, memoryMb: 8192, diskGb: 80 },
  ],
};

/** The code and message a call fails with: what must not tell a foreign project from a missing one. */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => "resolved",
    (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
  );

describe("catalog.templates", () => {
  it("offers the templates the project's site agent reported, with the site's placement template", async () => {
    const t = await createTestTenant(env.DB);
    await reportingAgent(t, report);
    expect(await as(t.member).catalog.templates({ projectId: t.projectId })).toEqual({
      projectId: t.projectId,
      defaultPath: "/DC0/vm/ubuntu-22.04-tmpl",
      templates: [
        {
          path: "/DC0/vm/ubuntu-22.04-tmpl",
          name: "ubuntu-22.04-tmpl",
          cpu: 2,
          memoryMb: 4096,
          diskGb: 40,
          guestId: "ubuntu64Guest",
        },
        {
          path: "/DC0/vm/windows-2022-tmpl",
          name: "windows-2022-tmpl",
          cpu: 4,
          memoryMb: 8192,
          diskGb: 80,
          guestId: null,
        },
      ],
      reportedAt: report.collectedAt,
    });
  });

  it("follows the latest report", async () => {
    const t = await createTestTenant(env.DB);
    const agent = await reportingAgent(t, report);
    const later = { ...emptyReport("2026-11-22T11:00:00.000Z"), templates: report.templates.slice(1) };
    agent.send({ type: "inventory.report", seq: 2, report: later });
    await agent.next("ack");
    const templates = await as(t.member).catalog.templates({ projectId: t.projectId });
    expect(templates.templates.map((x) => x.name)).toEqual(["windows-2022-tmpl"]);
    expect(templates.reportedAt).toBe(later.collectedAt);
  });

  it("offers nothing but says so while no agent has reported, and no default before placement", async () => {
    const t = await createTestTenant(env.DB, { placement: false });
    expect(await as(t.member).catalog.templates({ projectId: t.projectId })).toEqual({
      projectId: t.projectId,
      defaultPath: null,
      templates: [],
      reportedAt: null,
    });
  });

  it("answers another tenant's project exactly like a missing one: NOT_FOUND", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await reportingAgent(other, report);
    for (const api of [as(t.member), as(t.admin)]) {
      const foreign = await failure(api.catalog.templates({ projectId: other.projectId }));
      const missing = await failure(api.catalog.templates({ projectId: "proj-none" }));
      expect(foreign).toBe("NOT_FOUND: project not found");
      expect(missing).toBe(foreign);
    }
  });

  it("never reads another tenant's site inventory, even through a project that points at that site", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    await reportingAgent(other, report);
    const stray = `${t.tenantId}-stray`;
    await env.DB.prepare(
      "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, 'stray', 'Stray', 'stray', ?)",
    )
      .bind(stray, t.tenantId, other.siteId)
      .run();
    expect(await as(t.member).catalog.templates({ projectId: stray })).toEqual({
      projectId: stray,
      defaultPath: null,
      templates: [],
      reportedAt: null,
    });
  });

  it("refuses a caller without a session", async () => {
    const t = await createTestTenant(env.DB);
    const anonymous = caller(createContextInner({ env, principal: null }));
    expect(await failure(anonymous.catalog.templates({ projectId: t.projectId }))).toMatch(/^UNAUTHORIZED/);
  });
});
