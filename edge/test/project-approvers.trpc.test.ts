import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant } from "./support/test-tenant.ts";

// A project approver (issue 17) decides the requests of the projects they approve, sees only those in the
// queue, is FORBIDDEN elsewhere, and never decides their own; tenant admins decide every project's.

async function tenantWithTwoProjects() {
  const w = testWorkflow();
  const t = await createTestTenant(env.DB);
  const other = await callerFor(t.admin, w).settings.createProject({
    name: "Other",
    slug: "other",
    vmPrefix: "oth",
    siteId: t.siteId,
  });
  // otherMember approves the tenant's own project only
  await callerFor(t.admin, w).settings.setApprover({
    projectId: t.projectId,
    userId: t.otherMember.userId,
    approver: true,
  });
  return { w, t, otherProjectId: other.projectId };
}

describe("project approvers", () => {
  it("open the page of their projects' requests (with who asked), never another project's", async () => {
    const { w, t, otherProjectId } = await tenantWithTwoProjects();
    const member = callerFor(t.member, w);
    const mine = await member.requests.create(requestInput(t.projectId));
    const elsewhere = await member.requests.create(requestInput(otherProjectId));
    const approver = callerFor(t.otherMember, w).requests;
    const detail = await approver.get({ requestId: mine.requestId });
    expect(detail.request).toMatchObject({ requestId: mine.requestId, status: "PENDING" });
    expect(detail.requesterContext?.requester.id).toBe(t.member.userId);
    // another project's request answers like a missing one
    const missing = await codeOf(approver.get({ requestId: "req_00000000000000000000000000000000" }));
    expect(await codeOf(approver.get({ requestId: elsewhere.requestId }))).toBe(missing);
    expect(missing).toBe("NOT_FOUND");
    // a member who approves nothing still sees only their own
    expect(await codeOf(callerFor(t.member, w).requests.get({ requestId: mine.requestId }))).toBe("resolved");
  });

  it("approve their project's requests, see only those in the queue, and are FORBIDDEN elsewhere", async () => {
    const { w, t, otherProjectId } = await tenantWithTwoProjects();
    const member = callerFor(t.member, w);
    const mine = await member.requests.create(requestInput(t.projectId));
    const elsewhere = await member.requests.create(requestInput(otherProjectId));
    const approver = callerFor(t.otherMember, w).approvals;

    const queue = await approver.pending({});
    expect(queue.items.map((r) => r.requestId)).toEqual([mine.requestId]);
    expect(await approver.pendingCount()).toEqual({ count: 1 });
    // the admin's queue has both
    expect((await callerFor(t.admin, w).approvals.pendingCount()).count).toBe(2);

    expect(await codeOf(approver.approve({ requestId: elsewhere.requestId, expectedVersion: 1 }))).toBe(
      "FORBIDDEN",
    );
    expect(
      await codeOf(
        approver.reject({
          requestId: elsewhere.requestId,
          expectedVersion: 1,
          reason: "not my project to decide",
        }),
      ),
    ).toBe("FORBIDDEN");
    const approved = await approver.approve({ requestId: mine.requestId, expectedVersion: 1 });
    expect(approved).toMatchObject({ requestId: mine.requestId, version: 2 });
    const detail = await member.requests.get({ requestId: mine.requestId });
    expect(detail.request.status).toBe("APPROVED");
    // the tenant admin still decides the other project's request
    await callerFor(t.admin, w).approvals.approve({ requestId: elsewhere.requestId, expectedVersion: 1 });
  });

  it("never approve their own request, even in their project", async () => {
    const { w, t } = await tenantWithTwoProjects();
    const approver = callerFor(t.otherMember, w);
    const own = await approver.requests.create(requestInput(t.projectId));
    expect(await codeOf(approver.approvals.approve({ requestId: own.requestId, expectedVersion: 1 }))).toBe(
      "FORBIDDEN",
    );
    expect((await approver.requests.get({ requestId: own.requestId })).request.status).toBe("PENDING");
  });

  it("stop approving once withdrawn; a member who approves nothing gets FORBIDDEN", async () => {
    const { w, t } = await tenantWithTwoProjects();
    const request = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(await codeOf(callerFor(t.member, w).approvals.pending({}))).toBe("FORBIDDEN");
    await callerFor(t.admin, w).settings.setApprover({
      projectId: t.projectId,
      userId: t.otherMember.userId,
      approver: false,
    });
    const approver = callerFor(t.otherMember, w).approvals;
    expect(await codeOf(approver.pending({}))).toBe("FORBIDDEN");
    expect(await codeOf(approver.approve({ requestId: request.requestId, expectedVersion: 1 }))).toBe(
      "FORBIDDEN",
    );
  });
});
