import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { enroll } from "./agent-support.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { trpcQuery } from "./support/http.ts";
import { sessionCookieFor } from "./support/sessions.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

// The settings area (issue 17): every command, its refusals (shown at the field where they are about
// one) and its audit entry, in workerd against real D1.

const w = testWorkflow();
const admin = (t: TestTenant) => callerFor(t.admin, w).settings;

/** The tRPC error's code, message and the fields it names. */
async function refusal(call: Promise<unknown>) {
  try {
    await call;
    return null;
  } catch (error) {
    const e = error as { code: string; message: string; cause?: { issues?: { path: string[] }[] } };
    return { code: e.code, message: e.message, fields: e.cause?.issues?.map((i) => i.path.join(".")) ?? [] };
  }
}

const newProject = (t: TestTenant, overrides: Record<string, unknown> = {}) => ({
  name: "Payments",
  slug: "payments",
  vmPrefix: "pay",
  siteId: t.siteId,
  ...overrides,
});

const auditActions = async (t: TestTenant) =>
  (await callerFor(t.admin, w).audit.list({ limit: 50 })).items.map((e) => [e.action, e.actor.id]);

describe("settings: projects", () => {
  it("creates a project the request form then offers, audited with who did it", async () => {
    const t = await createTestTenant(env.DB);
    const { projectId } = await admin(t).createProject(
      newProject(t, { networkPath: "/DC0/network/VM Network" }),
    );
    expect((await admin(t).projects()).find((p) => p.projectId === projectId)).toEqual({
      projectId,
      name: "Payments",
      slug: "payments",
      vmPrefix: "pay",
      siteId: t.siteId,
      networkPath: "/DC0/network/VM Network",
      archivedAt: null,
      requests: 0,
      approverIds: [],
    });
    const catalog = await callerFor(t.member, w).catalog.projects();
    expect(catalog.map((p) => p.projectId)).toContain(projectId);
    expect(await auditActions(t)).toContainEqual(["PROJECT_CREATED", t.admin.userId]);
  });

  it("refuses a slug or VM prefix another project holds, naming the field", async () => {
    const t = await createTestTenant(env.DB);
    // the test tenant's own project is `app`, prefix `app`
    expect(await refusal(admin(t).createProject(newProject(t, { slug: "app" })))).toMatchObject({
      code: "CONFLICT",
      fields: ["slug"],
    });
    expect(await refusal(admin(t).createProject(newProject(t, { vmPrefix: "app" })))).toMatchObject({
      code: "CONFLICT",
      fields: ["vmPrefix"],
    });
    // the shared schemas refuse malformed values before anything is read
    expect(await refusal(admin(t).createProject(newProject(t, { slug: "Not_A_Slug" })))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["slug"],
    });
    // another tenant may use the same slug and prefix: unique per tenant only
    const other = await createTestTenant(env.DB);
    await expect(admin(other).createProject(newProject(other))).resolves.toBeTruthy();
    await expect(admin(t).createProject(newProject(t))).resolves.toBeTruthy();
  });

  it("renames freely, but fixes slug, prefix and site once the project has a request", async () => {
    const t = await createTestTenant(env.DB);
    const { projectId } = await admin(t).createProject(newProject(t));
    // no request yet: anything may change
    await admin(t).updateProject({ projectId, ...newProject(t, { slug: "billing", vmPrefix: "bill" }) });
    await callerFor(t.member, w).requests.create(requestInput(projectId));

    const renamed = { projectId, ...newProject(t, { slug: "billing", vmPrefix: "bill", name: "Billing" }) };
    await admin(t).updateProject(renamed);
    expect((await admin(t).projects()).find((p) => p.projectId === projectId)).toMatchObject({
      name: "Billing",
      requests: 1,
    });
    const reslug = await refusal(admin(t).updateProject({ ...renamed, slug: "money" }));
    expect(reslug).toMatchObject({ code: "CONFLICT", fields: ["slug"] });
    expect(reslug?.message).toContain("already has 1 request(s)");
    expect(await refusal(admin(t).updateProject({ ...renamed, vmPrefix: "mon" }))).toMatchObject({
      fields: ["vmPrefix"],
    });
    expect(await auditActions(t)).toContainEqual(["PROJECT_CHANGED", t.admin.userId]);
  });

  it("archives only a project without live requests; an archived one takes no new request and is kept", async () => {
    const t = await createTestTenant(env.DB);
    const member = callerFor(t.member, w);
    const live = await member.requests.create(requestInput(t.projectId));
    const refused = await refusal(admin(t).archiveProject({ projectId: t.projectId }));
    expect(refused).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(refused?.message).toContain("1 request(s) or VM(s) of this project are still live");

    await member.requests.cancel({ requestId: live.requestId });
    await admin(t).archiveProject({ projectId: t.projectId });
    expect(await codeOf(member.requests.create(requestInput(t.projectId)))).toBe("PRECONDITION_FAILED");
    expect((await member.catalog.projects()).map((p) => p.projectId)).not.toContain(t.projectId);
    // history still names it: the request and the project row are there
    expect((await member.requests.get({ requestId: live.requestId })).request.projectId).toBe(t.projectId);
    expect((await admin(t).projects()).find((p) => p.projectId === t.projectId)?.archivedAt).not.toBeNull();
    expect(await auditActions(t)).toContainEqual(["PROJECT_ARCHIVED", t.admin.userId]);
  });

  it("answers FORBIDDEN to a member, for reads and writes", async () => {
    const t = await createTestTenant(env.DB);
    const member = callerFor(t.member, w).settings;
    expect(await codeOf(member.projects())).toBe("FORBIDDEN");
    expect(await codeOf(member.createProject(newProject(t)))).toBe("FORBIDDEN");
    expect(await codeOf(member.people())).toBe("FORBIDDEN");
  });
});

describe("settings: sites", () => {
  it("refuses enrollment tokens for an archived site, made before or asked for after", async () => {
    const t = await createTestTenant(env.DB);
    const { siteId } = await admin(t).createSite({ name: "Old DC", slug: "old-dc" });
    const agents = callerFor(t.admin, w).agents;
    const before = await agents.createEnrollmentToken({ siteId });
    await admin(t).archiveSite({ siteId });
    expect(await refusal(agents.createEnrollmentToken({ siteId }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "this site is archived; it enrolls no agent",
    });
    const redeemed = await enroll(before.token, "late-agent");
    expect(redeemed.status).toBe(409);
    expect(await redeemed.json()).toMatchObject({ error: "SITE_ARCHIVED" });
    // nothing was enrolled: the token is still unused, and no agent names the site
    expect((await agents.list()).filter((a) => a.siteId === siteId)).toEqual([]);
  });

  it("creates and renames a site; a project can then use it; archives it only when empty", async () => {
    const t = await createTestTenant(env.DB);
    const { siteId } = await admin(t).createSite({ name: "Berlin DC", slug: "berlin" });
    expect(await refusal(admin(t).createSite({ name: "Again", slug: "berlin" }))).toMatchObject({
      code: "CONFLICT",
      fields: ["slug"],
    });
    await admin(t).renameSite({ siteId, name: "Berlin datacenter" });
    expect((await admin(t).sites()).find((s) => s.siteId === siteId)).toEqual({
      siteId,
      slug: "berlin",
      name: "Berlin datacenter",
      archivedAt: null,
      configured: false,
      projects: 0,
      agents: 0,
    });

    const { projectId } = await admin(t).createProject(newProject(t, { siteId }));
    const token = await callerFor(t.admin, w).agents.createEnrollmentToken({ siteId });
    const enrolled = await (await enroll(token.token, "berlin-1")).json<{ agentId: string }>();
    const inUse = await refusal(admin(t).archiveSite({ siteId }));
    expect(inUse?.message).toContain("1 live project(s) and 1 agent(s) still use this site");

    await admin(t).archiveProject({ projectId });
    await callerFor(t.admin, w).agents.revoke({ agentId: enrolled.agentId });
    await admin(t).archiveSite({ siteId });
    expect((await admin(t).sites()).find((s) => s.siteId === siteId)?.archivedAt).not.toBeNull();
    // an archived site takes no new project
    expect(await refusal(admin(t).createProject(newProject(t, { siteId, slug: "late" })))).toMatchObject({
      fields: ["siteId"],
    });
    const actions = (await auditActions(t)).map(([action]) => action);
    expect(actions).toEqual(expect.arrayContaining(["SITE_CREATED", "SITE_RENAMED", "SITE_ARCHIVED"]));
  });
});

describe("settings: people and roles", () => {
  it("makes a member admin and back, audited, but never demotes the last admin", async () => {
    const t = await createTestTenant(env.DB);
    await admin(t).setRole({ userId: t.member.userId, role: "admin" });
    expect((await admin(t).people()).find((p) => p.userId === t.member.userId)?.role).toBe("admin");
    await admin(t).setRole({ userId: t.member.userId, role: "member" });
    await admin(t).setRole({ userId: t.otherAdmin.userId, role: "member" });
    const last = await refusal(admin(t).setRole({ userId: t.admin.userId, role: "member" }));
    expect(last).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(last?.message).toContain("last admin");
    const admins = (await admin(t).people()).filter((p) => p.role === "admin").map((p) => p.userId);
    expect(admins).toEqual([t.admin.userId]);
    expect(await auditActions(t)).toContainEqual(["USER_ROLE_CHANGED", t.admin.userId]);
  });

  it("ends a demoted admin's sessions at once: they sign in again as a member", async () => {
    const t = await createTestTenant(env.DB);
    const cookie = await sessionCookieFor(env.DB, t.otherAdmin);
    const audit = () => trpcQuery("audit.list", {}, { cookie });
    expect((await audit()).status).toBe(200);
    await admin(t).setRole({ userId: t.otherAdmin.userId, role: "member" });
    expect((await audit()).status).toBe(401);
    const session = await env.DB.prepare(
      "SELECT ended_reason FROM sessions WHERE tenant_id = ? AND user_id = ?",
    )
      .bind(t.tenantId, t.otherAdmin.userId)
      .first<{ ended_reason: string }>();
    expect(session?.ended_reason).toBe("role-changed");
  });

  it("lists each person with the projects they approve", async () => {
    const t = await createTestTenant(env.DB);
    await admin(t).setApprover({ projectId: t.projectId, userId: t.otherMember.userId, approver: true });
    const people = await admin(t).people();
    expect(people.find((p) => p.userId === t.otherMember.userId)?.approverOf).toEqual([t.projectId]);
    expect(people.find((p) => p.userId === t.member.userId)?.approverOf).toEqual([]);
    await admin(t).setApprover({ projectId: t.projectId, userId: t.otherMember.userId, approver: false });
    expect((await admin(t).projects()).find((p) => p.projectId === t.projectId)?.approverIds).toEqual([]);
  });
});
