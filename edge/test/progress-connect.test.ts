import { exports } from "cloudflare:workers";
import { formatProgressCursor } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { FrameReader, failedUpdate } from "./progress-fixtures.ts";
import { connect, connectReader, cookieFor, ORIGIN } from "./progress-http-fixtures.ts";
import { approvedRequest, report, seedTenant, stageAt } from "./progress-workflow-fixtures.ts";

// a run that started a minute ago: inside the "taking longer than usual" threshold
const t0 = Date.now() - 60_000;

describe("GET /progress/:requestId/connect", () => {
  it("upgrades the requester from an allowed origin and pushes every stage in order", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const reader = await connectReader(tenant.member, { requestId });
    expect(await reader.next()).toMatchObject({
      type: "snapshot",
      requestId,
      state: { currentStage: "CLONING" },
    });
    await report(tenant, requestId, stageAt("CONFIGURING", t0 + 1000));
    await report(tenant, requestId, stageAt("POWERING_ON", t0 + 2000));
    expect((await reader.take(2)).map((f) => (f.type === "stage" ? [f.seq, f.stage] : f.type))).toEqual([
      [2, "CONFIGURING"],
      [3, "POWERING_ON"],
    ]);
  });

  it("resumes from ?after= with exactly the frames missed", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const first = await connectReader(tenant.member, { requestId });
    const snapshot = await first.next();
    first.ws.close(1000, "navigated away");
    if (snapshot.type !== "snapshot") throw new Error("expected a snapshot");
    await report(tenant, requestId, stageAt("CONFIGURING", t0 + 1000));
    const after = formatProgressCursor({ epoch: snapshot.epoch, seq: snapshot.seq });
    const resumed = await connectReader(tenant.member, { requestId, after });
    expect(await resumed.next()).toMatchObject({ type: "stage", seq: 2, stage: "CONFIGURING" });
    expect(resumed.pending()).toEqual([]);
  });

  it("lets a tenant admin watch a member's request, with the technical detail of a failure", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const { kind, failure, at } = failedUpdate(requestId);
    await report(tenant, requestId, { kind, failure, at });
    const reader = await connectReader(tenant.admin, { requestId });
    const snapshot = await reader.next();
    expect(snapshot.type === "snapshot" && snapshot.state.terminal?.outcome).toMatchObject({
      status: "failed",
    });
    expect(JSON.stringify(snapshot)).toContain("InsufficientResourcesFault");
  });

  it("refuses a foreign Origin with 403 before touching the session or the object", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    const res = await connect(tenant.member, { requestId, origin: "https://evil.example" });
    expect([res.status, await res.text()]).toEqual([403, "origin not allowed"]);
  });

  it("refuses a cookie session without an Origin", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    expect((await connect(tenant.member, { requestId, origin: null })).status).toBe(403);
  });

  it("answers 401 without a session", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    expect((await connect(null, { requestId })).status).toBe(401);
  });

  it("answers another tenant's request exactly like a missing one", async () => {
    const tenant = await seedTenant();
    const intruder = await seedTenant();
    const requestId = await approvedRequest(tenant);
    const foreign = await connect(intruder.admin, { requestId });
    const missing = await connect(intruder.admin, { requestId: "req_doesnotexist" });
    expect([foreign.status, await foreign.text()]).toEqual([404, "not found"]);
    expect([missing.status, await missing.text()]).toEqual([404, "not found"]);
  });

  it("answers another member's request in the same tenant with 404, like requests.get", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    expect((await connect(tenant.otherMember, { requestId })).status).toBe(404);
  });

  it("answers a plain GET with 426", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    const res = await exports.default.fetch(`http://edge.test/progress/${requestId}/connect`);
    expect(res.status).toBe(426);
  });

  it("ignores a subscriber header smuggled in by the browser", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const { kind, failure, at } = failedUpdate(requestId);
    await report(tenant, requestId, { kind, failure, at });
    const forged = JSON.stringify({
      requestId,
      tenantId: tenant.tenantId,
      viewerId: "forged",
      seesTechnicalDetail: true,
      after: null,
    });
    const res = await exports.default.fetch(`http://edge.test/progress/${requestId}/connect`, {
      headers: {
        upgrade: "websocket",
        origin: ORIGIN,
        cookie: await cookieFor(tenant.member),
        "x-gantry-progress-subscriber": forged,
      },
    });
    if (!res.webSocket) throw new Error(`expected an upgrade, got ${res.status}`);
    const snapshot = await new FrameReader(res.webSocket).next();
    expect(snapshot.type === "snapshot" && snapshot.state.terminal?.outcome.status).toBe("failed");
    expect(JSON.stringify(snapshot)).not.toContain("InsufficientResourcesFault");
  });
});
