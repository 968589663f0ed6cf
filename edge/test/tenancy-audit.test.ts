import { env, exports } from "cloudflare:workers";
import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import { describe, expect, it } from "vitest";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { connectAgent, enroll, helloAgent, openSocket } from "./agent-support.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

// A tenant's own facts — enrollment tokens, enrolments, revocations, credential rotations, site
// settings — each written with its event in one D1 batch, so the audit log shows who did it.

const caller = createCallerFactory(appRouter);
const as = (principal: TestTenant["admin"]) => caller(createContextInner({ env, principal }));

const auditOf = async (t: TestTenant) => (await as(t.admin).audit.list({ limit: 20 })).items;

describe("enrollment tokens", () => {
  it("are audited when made, listed while unused (never their value), and can be withdrawn", async () => {
    const t = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const other = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const listed = await as(t.admin).agents.enrollmentTokens({});
    expect(listed.map((x) => x.tokenId).sort()).toEqual([made.tokenId, other.tokenId].sort());
    expect(JSON.stringify(listed)).not.toContain(made.token);
    // the maker by name too, so the agents page says who made it rather than an id
    expect(listed[0]).toMatchObject({
      siteId: t.siteId,
      createdBy: t.admin.userId,
      createdByName: t.admin.name,
    });

    await as(t.admin).agents.revokeEnrollmentToken({ tokenId: made.tokenId });
    expect((await as(t.admin).agents.enrollmentTokens({})).map((x) => x.tokenId)).toEqual([other.tokenId]);
    // a withdrawn token enrolls nothing, and says so like any invalid one
    const refused = await enroll(made.token, "too-late");
    expect(refused.status).toBe(401);
    // used tokens drop off the list
    expect((await enroll(other.token, "agent-ok")).status).toBe(201);
    expect(await as(t.admin).agents.enrollmentTokens({})).toEqual([]);

    const audit = await auditOf(t);
    expect(audit.map((e) => [e.action, e.subject.kind])).toEqual(
      expect.arrayContaining([
        ["ENROLLMENT_TOKEN_CREATED", "site"],
        ["ENROLLMENT_TOKEN_REVOKED", "site"],
        ["AGENT_ENROLLED", "agent"],
      ]),
    );
    expect(audit.find((e) => e.action === "ENROLLMENT_TOKEN_REVOKED")).toMatchObject({
      actor: { id: t.admin.userId, name: t.admin.name },
      subject: { kind: "site", id: t.siteId },
      requestId: null,
      summary: `revoked unused enrollment token ${made.tokenId}`,
    });
  });

  it("cannot be withdrawn by a member, by another tenant, or once used", async () => {
    const t = await createTestTenant(env.DB);
    const other = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    await expect(as(t.member).agents.revokeEnrollmentToken({ tokenId: made.tokenId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      as(other.admin).agents.revokeEnrollmentToken({ tokenId: made.tokenId }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await as(other.admin).agents.enrollmentTokens({})).toEqual([]);
    expect((await enroll(made.token, "agent-1")).status).toBe(201);
    await expect(as(t.admin).agents.revokeEnrollmentToken({ tokenId: made.tokenId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("agents", () => {
  it("record enrolment (naming the token) and revocation, once, by whom", async () => {
    const t = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { agentId } = await (await enroll(made.token, "dc1-agent")).json<{ agentId: string }>();
    await as(t.admin).agents.revoke({ agentId });
    await as(t.admin).agents.revoke({ agentId });
    const stream = await readStream(env.DB, streamIds.agent(agentId));
    expect(stream.events.map((e) => [e.event.type, e.metadata.actorKind, e.metadata.actorId])).toEqual([
      ["AgentEnrolled", "agent", agentId],
      ["AgentRevoked", "user", t.admin.userId],
    ]);
    expect(stream.events[0]?.event.data).toMatchObject({
      tokenId: made.tokenId,
      name: "dc1-agent",
      siteId: t.siteId,
    });
  });

  it("a replayed token records no second enrolment", async () => {
    const t = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const [first, second] = await Promise.all([enroll(made.token, "a"), enroll(made.token, "b")]);
    expect([first.status, second.status].sort()).toEqual([201, 401]);
    expect((await auditOf(t)).filter((e) => e.action === "AGENT_ENROLLED")).toHaveLength(1);
  });
});

describe("credential rotation", () => {
  const rotate = (credential: string) =>
    exports.default.fetch("http://edge.test/agent/rotate", {
      method: "POST",
      headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
      body: "{}",
    });

  it("gives a new credential; both work until the new one connects, then only the new one", async () => {
    const t = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { agentId, credential: old } = await (await enroll(made.token, "rotating")).json<{
      agentId: string;
      credential: string;
    }>();
    const answer = await rotate(old);
    expect(answer.status).toBe(201);
    const { credential: next } = await answer.json<{ credential: string }>();
    expect(next).not.toBe(old);
    expect(next.startsWith(`gac_${agentId}_`)).toBe(true);
    // the answer could have been lost: the old credential still connects
    const stillOld = await connectAgent(old);
    stillOld.ws.close(1000, "bye");
    const { agent } = await helloAgent(next);
    agent.ws.close(1000, "bye");
    expect((await openSocket(old)).status).toBe(401);
    expect((await rotate(old)).status).toBe(401);
    expect((await auditOf(t)).find((e) => e.action === "AGENT_CREDENTIAL_ROTATED")).toMatchObject({
      subject: { kind: "agent", id: agentId },
      actor: { id: agentId },
    });
  });

  it("is refused without a valid credential, and for a revoked agent", async () => {
    expect((await rotate(`gac_${crypto.randomUUID()}_${"A".repeat(43)}`)).status).toBe(401);
    const t = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { agentId, credential } = await (await enroll(made.token)).json<{
      agentId: string;
      credential: string;
    }>();
    await as(t.admin).agents.revoke({ agentId });
    expect((await rotate(credential)).status).toBe(401);
  });
});

describe("site settings", () => {
  const report: InventoryReport = {
    collectedAt: "2026-11-22T10:00:00.000Z",
    vcenter: { apiVersion: "8.0", fullName: "vcsim" },
    datacenters: [{ path: "/DC0", name: "DC0" }],
    templates: [{ path: "/DC0/vm/ubuntu", name: "ubuntu", cpu: 2, memoryMb: 2048, diskGb: 20 }],
    networks: [{ path: "/DC0/network/VM Network", name: "VM Network", kind: "standard" }],
    folders: [{ path: "/DC0/vm", name: "vm" }],
    datastores: [],
    pools: [{ path: "/DC0/host/DC0_C0", name: "DC0_C0", kind: "cluster" }],
  };

  it("record who changed placement, and to what; a refused change records nothing", async () => {
    const t = await createTestTenant(env.DB);
    const made = await as(t.admin).agents.createEnrollmentToken({ siteId: t.siteId });
    const { credential } = await (await enroll(made.token)).json<{ credential: string }>();
    const { agent } = await helloAgent(credential);
    agent.send({ type: "inventory.report", seq: 1, report });
    await agent.next("ack");
    const placement = {
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/ubuntu",
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/DC0_C0",
    };
    await expect(
      as(t.admin).sites.update({ siteId: t.siteId, networkPath: "/DC0/network/nope", placement }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await as(t.admin).sites.update({ siteId: t.siteId, networkPath: "/DC0/network/VM Network", placement });
    const changes = (await auditOf(t)).filter((e) => e.action === "SITE_SETTINGS_CHANGED");
    expect(changes).toEqual([
      expect.objectContaining({
        actor: { id: t.admin.userId, kind: "user", name: t.admin.name, tokenId: null },
        subject: { kind: "site", id: t.siteId },
        summary: expect.stringContaining("template /DC0/vm/ubuntu"),
      }),
    ]);
  });
});
