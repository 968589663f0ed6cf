import { env } from "cloudflare:workers";
import { CHANGE_FEED_PROTOCOL_VERSION } from "@gantry/shared/protocol/change-feed";
import { beforeAll, describe, expect, it } from "vitest";
import { approveAs, submitAs, watchChanges, watchFromNow } from "./feed-fixtures.ts";
import { cookieFor } from "./progress-http-fixtures.ts";
import { callerFor, requestInput } from "./support/callers.ts";
import { body, LOCAL, trpcMutation } from "./support/http.ts";
import { failure, frame, provisionToReady, record, stageAt } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
let intruder: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  intruder = await createTestTenant(env.DB);
});

describe("requests.changes over SSE", () => {
  it("starts a fresh stream with a sync frame whose id resumes it", async () => {
    const reader = await watchChanges(t.member);
    expect(reader.sse.response.headers.get("content-type")).toContain("text/event-stream");
    const { id, frame: first } = await reader.next();
    expect(first).toMatchObject({ v: CHANGE_FEED_PROTOCOL_VERSION, type: "sync" });
    expect(id).toBe(`${first.epoch}.${first.seq}`);
    await reader.cancel();
  });

  it("pushes the approval of a member's own request to that member", async () => {
    const w = testWorkflow();
    const request = await submitAs(w, t.member, t);
    const { reader } = await watchFromNow(t.member);
    await approveAs(w, t.admin, request);
    const change = await reader.nextChange();
    expect(change).toMatchObject({
      requestId: request.requestId,
      requesterId: t.member.userId,
      status: "APPROVED",
      version: 2,
    });
    await reader.cancel();
  });

  it("never shows a member another member's changes", async () => {
    const w = testWorkflow();
    const theirs = await submitAs(w, t.otherMember, t);
    const mine = await submitAs(w, t.member, t);
    const { reader } = await watchFromNow(t.member);
    await approveAs(w, t.admin, theirs);
    await approveAs(w, t.admin, mine);
    // frames keep the feed's order: had the other member's approval been sent, it would come first
    expect(await reader.nextChange()).toMatchObject({ requestId: mine.requestId, status: "APPROVED" });
    await reader.cancel();
  });

  it("shows an admin a new submission the moment the Worker commits it", async () => {
    const { reader } = await watchFromNow(t.admin);
    const cookie = await cookieFor(t.member);
    const res = await trpcMutation("requests.create", requestInput(t.projectId), { cookie, origin: LOCAL });
    const created = await body<{ requestId: string }>(res);
    expect(res.status).toBe(200);
    const change = await reader.nextChange();
    expect(change).toMatchObject({
      requestId: created.result?.data.requestId,
      requesterId: t.member.userId,
      status: "PENDING",
      version: 1,
    });
    await reader.cancel();
  });

  it("carries only the summary's coordinates: no name, justification or reason", async () => {
    const w = testWorkflow();
    const request = await submitAs(w, t.member, t);
    const { reader } = await watchFromNow(t.admin);
    await callerFor(t.admin, w).approvals.reject({
      requestId: request.requestId,
      expectedVersion: request.version,
      reason: "Secret reason that must stay out of the feed.",
    });
    await w.settle();
    const { frame: rejected } = await reader.next();
    expect(rejected.type === "change" && Object.keys(rejected.change).sort()).toEqual([
      "at",
      "requestId",
      "requesterId",
      "status",
      "version",
    ]);
    expect(JSON.stringify(rejected)).not.toContain("Secret reason");
    await reader.cancel();
  });

  it("pushes what the agent reports: provisioning started, then ready, with no frame per stage", async () => {
    const w = testWorkflow();
    const request = await submitAs(w, t.member, t);
    await approveAs(w, t.admin, request);
    const { reader } = await watchFromNow(t.member);
    const results = await provisionToReady(w, {
      requestId: request.requestId,
      tenantId: t.tenantId,
      start: new Date("2026-03-02T10:00:00Z"),
    });
    await w.settle();
    expect(results.every((r) => r.ok)).toBe(true);
    const provisioning = await reader.nextChange();
    expect(provisioning.status).toBe("PROVISIONING");
    const ready = await reader.nextChange();
    expect(ready.status).toBe("READY");
    // counted over the request's stream (at 2 after the approval) and its VM's: each change outgrows the last
    expect(provisioning.version).toBeGreaterThan(2);
    expect(ready.version).toBeGreaterThan(provisioning.version);
    await reader.cancel();
  });

  it("pushes a failed run", async () => {
    const w = testWorkflow();
    const request = await submitAs(w, t.member, t);
    await approveAs(w, t.admin, request);
    const { reader } = await watchFromNow(t.admin);
    const at = new Date("2026-03-02T10:00:00Z");
    await record(w, frame(request.requestId, stageAt("CLONING", at), { tenantId: t.tenantId }));
    await record(
      w,
      frame(request.requestId, { kind: "failed", failure, at: at.toISOString() }, { tenantId: t.tenantId }),
    );
    await w.settle();
    expect((await reader.nextChange()).status).toBe("PROVISIONING");
    const failed = await reader.nextChange();
    expect(failed.status).toBe("FAILED");
    expect(JSON.stringify(failed)).not.toContain("InsufficientResourcesFault");
    await reader.cancel();
  });

  it("pushes a member's cancellation to the tenant's admins", async () => {
    const w = testWorkflow();
    const request = await submitAs(w, t.member, t);
    const { reader } = await watchFromNow(t.otherAdmin);
    await callerFor(t.member, w).requests.cancel({ requestId: request.requestId });
    await w.settle();
    expect(await reader.nextChange()).toMatchObject({ requestId: request.requestId, status: "CANCELLED" });
    await reader.cancel();
  });

  it("never shows another tenant's changes, not even to its admin", async () => {
    const w = testWorkflow();
    const { reader } = await watchFromNow(intruder.admin);
    await submitAs(w, t.member, t);
    const theirs = await submitAs(w, intruder.member, intruder);
    // the intruder's own submission arrives first: nothing of the other tenant was in between
    expect(await reader.nextChange()).toMatchObject({ requestId: theirs.requestId, status: "PENDING" });
    await reader.cancel();
  });

  it("resumes from lastEventId with exactly the changes it missed, then live ones", async () => {
    const w = testWorkflow();
    const a = await submitAs(w, t.member, t);
    const b = await submitAs(w, t.member, t);
    const { reader: first, id } = await watchFromNow(t.member);
    await first.cancel();
    await approveAs(w, t.admin, a);
    await submitAs(w, t.otherMember, t);
    await approveAs(w, t.admin, b);

    const resumed = await watchChanges(t.member, { lastEventId: id });
    const missed = [await resumed.nextChange(), await resumed.nextChange()];
    expect(missed.map((c) => [c.requestId, c.status])).toEqual([
      [a.requestId, "APPROVED"],
      [b.requestId, "APPROVED"],
    ]);
    await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    await w.settle();
    expect((await resumed.nextChange()).status).toBe("PENDING");
    await resumed.cancel();
  });

  it("answers a cursor it cannot serve with a sync frame, so the client refetches", async () => {
    const { reader: first, id } = await watchFromNow(t.member);
    await first.cancel();
    for (const lastEventId of ["zzzzzzzz.3", `${id.split(".")[0]}.99999999`, "not a cursor"]) {
      const resumed = await watchChanges(t.member, { lastEventId });
      expect((await resumed.next()).frame.type).toBe("sync");
      await resumed.cancel();
    }
  });

  it("refuses a caller without a session", async () => {
    const reader = await watchChanges(null);
    expect(await reader.error()).toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });

  it("refuses input beyond the cursor", async () => {
    const reader = await watchChanges(t.admin, { tenantId: intruder.tenantId });
    expect(await reader.error()).toMatchObject({ data: { code: "BAD_REQUEST" } });
  });
});
