import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

describe("requests.create", () => {
  it("creates a PENDING request with the size's spec and lists it for its requester", async () => {
    const w = testWorkflow();
    const member = callerFor(t.member, w);
    const { requestId, version } = await member.requests.create(
      requestInput(t.projectId, { size: "L", name: "api-01" }),
    );
    expect(version).toBe(1);
    const detail = await member.requests.get({ requestId });
    expect(detail.request).toMatchObject({
      status: "PENDING",
      name: "api-01",
      size: "L",
      spec: { cpu: 8, memoryGb: 16, diskGb: 200 },
      requester: { id: t.member.userId, email: t.member.email },
      projectName: "App",
    });
    expect(detail.timeline).toEqual([
      expect.objectContaining({
        kind: "SUBMITTED",
        actor: { kind: "user", id: t.member.userId, name: t.member.name },
      }),
    ]);
  });

  it("defaults the size to M", async () => {
    const member = callerFor(t.member, testWorkflow());
    const { size: _size, ...withoutSize } = requestInput(t.projectId);
    const { requestId } = await member.requests.create(withoutSize);
    expect((await member.requests.get({ requestId })).request.size).toBe("M");
  });

  it("returns the same request id for the same idempotency key, writing nothing new", async () => {
    const member = callerFor(t.member, testWorkflow());
    const input = requestInput(t.projectId);
    const first = await member.requests.create(input);
    const again = await member.requests.create(input);
    expect(again).toEqual(first);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE stream_id = ?")
      .bind(`vm-request:${first.requestId}`)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("answers CONFLICT when the same key comes with other input", async () => {
    const member = callerFor(t.member, testWorkflow());
    const input = requestInput(t.projectId);
    await member.requests.create(input);
    expect(await codeOf(member.requests.create({ ...input, name: "other-name" }))).toBe("CONFLICT");
  });

  it("creates one request when the same key is submitted twice at once", async () => {
    const member = callerFor(t.member, testWorkflow());
    const input = requestInput(t.projectId);
    const [a, b] = await Promise.all([member.requests.create(input), member.requests.create(input)]);
    expect(a.requestId).toBe(b.requestId);
  });

  it("answers BAD_REQUEST naming every invalid field", async () => {
    const member = callerFor(t.member, testWorkflow());
    const error = await member.requests
      .create(requestInput(t.projectId, { name: "Bad--Name", justification: "short", size: "X X" }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    const message = String((error as Error).message);
    for (const field of ["name", "justification", "size"]) expect(message).toContain(field);
  });

  it.each([
    ["a VM name of 2 characters", { name: "ab" }],
    ["a VM name starting with a hyphen", { name: "-abc" }],
    ["a VM name with a double hyphen", { name: "a--b" }],
    ["a VM name with upper case", { name: "Web01" }],
    ["a justification under 10 characters", { justification: "too short" }],
    ["an unknown field", { priority: "high" }],
  ])("refuses %s", async (_case, overrides) => {
    const member = callerFor(t.member, testWorkflow());
    expect(await codeOf(member.requests.create(requestInput(t.projectId, overrides)))).toBe("BAD_REQUEST");
  });

  it("answers NOT_FOUND for a project that does not exist", async () => {
    const member = callerFor(t.member, testWorkflow());
    expect(await codeOf(member.requests.create(requestInput("proj-nope")))).toBe("NOT_FOUND");
  });

  it("answers UNAUTHORIZED when nobody is signed in", async () => {
    expect(await codeOf(callerFor(null, testWorkflow()).requests.create(requestInput(t.projectId)))).toBe(
      "UNAUTHORIZED",
    );
  });
});

describe("requests.list", () => {
  it("lists only the caller's requests, newest first, filtered by status and paged", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(own.member, w);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await member.requests.create(requestInput(own.projectId))).requestId);
      w.clock.advance(60_000);
    }
    await callerFor(own.otherMember, w).requests.create(requestInput(own.projectId));
    await member.requests.cancel({ requestId: ids[0] ?? "" });

    const all = await member.requests.list({});
    expect(all.items.map((r) => r.requestId)).toEqual([...ids].reverse());
    expect(all.total).toBe(3);
    const pending = await member.requests.list({ status: "PENDING" });
    expect(pending.items.map((r) => r.requestId)).toEqual([ids[2], ids[1]]);
    const secondPage = await member.requests.list({ page: 2, pageSize: 10 });
    expect(secondPage).toMatchObject({ items: [], page: 2, total: 3 });
  });

  it("refuses a page size outside 10, 25 and 50", async () => {
    expect(await codeOf(callerFor(t.member, testWorkflow()).requests.list({ pageSize: 11 as never }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("requests.get", () => {
  it("hides another member's request exactly like a missing one", async () => {
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    const other = callerFor(t.otherMember, w);
    const hidden = await other.requests.get({ requestId }).catch((e: Error) => [e.name, e.message]);
    const missing = await other.requests
      .get({ requestId: "req_missing" })
      .catch((e: Error) => [e.name, e.message]);
    expect(hidden).toEqual(missing);
    expect(await codeOf(other.requests.get({ requestId }))).toBe("NOT_FOUND");
  });

  it("shows admins the requester and up to 5 of their other recent requests", async () => {
    const own = await createTestTenant(env.DB);
    const w = testWorkflow();
    const member = callerFor(own.member, w);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await member.requests.create(requestInput(own.projectId))).requestId);
      w.clock.advance(1000);
    }
    const detail = await callerFor(own.admin, w).requests.get({ requestId: ids[6] ?? "" });
    expect(detail.requesterContext?.requester).toEqual({
      id: own.member.userId,
      name: own.member.name,
      email: own.member.email,
    });
    expect(detail.requesterContext?.recentRequests.map((r) => r.requestId)).toEqual(
      ids.slice(1, 6).reverse(),
    );
    expect((await member.requests.get({ requestId: ids[6] ?? "" })).requesterContext).toBeUndefined();
  });
});

describe("requests.cancel", () => {
  it("cancels a pending request with an optional reason, and cancelling again is harmless", async () => {
    const w = testWorkflow();
    const member = callerFor(t.member, w);
    const { requestId } = await member.requests.create(requestInput(t.projectId));
    expect(await member.requests.cancel({ requestId, reason: "no longer needed" })).toEqual({
      requestId,
      status: "CANCELLED",
    });
    expect(await member.requests.cancel({ requestId })).toEqual({ requestId, status: "CANCELLED" });
    const detail = await member.requests.get({ requestId });
    expect(detail.request.status).toBe("CANCELLED");
    expect(detail.timeline.map((e) => [e.kind, e.detail])).toContainEqual(["CANCELLED", "no longer needed"]);
  });

  it("refuses a reason over 500 characters", async () => {
    const member = callerFor(t.member, testWorkflow());
    const { requestId } = await member.requests.create(requestInput(t.projectId));
    expect(await codeOf(member.requests.cancel({ requestId, reason: "x".repeat(501) }))).toBe("BAD_REQUEST");
  });

  it("refuses to cancel an approved request", async () => {
    const w = testWorkflow();
    const member = callerFor(t.member, w);
    const { requestId, version } = await member.requests.create(requestInput(t.projectId));
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    expect(await codeOf(member.requests.cancel({ requestId }))).toBe("PRECONDITION_FAILED");
  });

  it("refuses an admin cancelling someone else's request", async () => {
    const w = testWorkflow();
    const { requestId } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    expect(await codeOf(callerFor(t.admin, w).requests.cancel({ requestId }))).toBe("FORBIDDEN");
  });
});
