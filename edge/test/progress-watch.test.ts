import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { failedUpdate, iso, progressStub } from "./progress-fixtures.ts";
import { type SseReader, watch } from "./progress-http-fixtures.ts";
import { approvedRequest, report, seedTenant, stageAt } from "./progress-workflow-fixtures.ts";

// a run that started a minute ago: inside the "taking longer than usual" threshold
const t0 = Date.now() - 60_000;

describe("progress.watch over SSE", () => {
  it("streams a snapshot, then every stage in order with its timestamp, through the Worker", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const sse = await watch(tenant.member, { requestId });
    expect(sse.response.headers.get("content-type")).toContain("text/event-stream");
    const first = await sse.nextFrame();
    expect(first.frame).toMatchObject({ type: "snapshot", seq: 1, state: { currentStage: "CLONING" } });
    if (first.frame.type !== "snapshot") throw new Error("expected a snapshot");
    expect(first.id).toBe(`${first.frame.epoch}.1`);

    const later = ["CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"] as const;
    for (const [i, stage] of later.entries())
      await report(tenant, requestId, stageAt(stage, t0 + (i + 1) * 60_000));
    const frames = [await sse.nextFrame(), await sse.nextFrame(), await sse.nextFrame()];
    expect(
      frames.map(({ id, frame }) => [
        id,
        frame.type === "stage" && frame.stage,
        frame.type === "stage" && frame.at,
      ]),
    ).toEqual([
      [`${first.frame.epoch}.2`, "CONFIGURING", iso(t0 + 60_000)],
      [`${first.frame.epoch}.3`, "POWERING_ON", iso(t0 + 120_000)],
      [`${first.frame.epoch}.4`, "WAITING_FOR_NETWORK", iso(t0 + 180_000)],
    ]);
    await sse.cancel();
  });

  it("resumes from lastEventId with exactly the frames it missed", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const first = await watch(tenant.member, { requestId });
    const { id } = await first.nextFrame();
    await first.cancel();
    if (!id) throw new Error("expected an event id");
    await report(tenant, requestId, stageAt("CONFIGURING", t0 + 1000));
    await report(tenant, requestId, stageAt("POWERING_ON", t0 + 2000));

    const resumed = await watch(tenant.member, { requestId, lastEventId: id });
    const missed = [await resumed.nextFrame(), await resumed.nextFrame()];
    expect(missed.map(({ frame }) => (frame.type === "stage" ? frame.stage : frame.type))).toEqual([
      "CONFIGURING",
      "POWERING_ON",
    ]);
    await report(tenant, requestId, stageAt("WAITING_FOR_NETWORK", t0 + 3000));
    const live = await resumed.nextFrame();
    expect(live.frame).toMatchObject({ type: "stage", stage: "WAITING_FOR_NETWORK", seq: 4 });
    await resumed.cancel();
  });

  it("asks the client to resume when the object drops its socket mid-stream, and the resume misses nothing", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const sse = await watch(tenant.member, { requestId });
    const { id } = await sse.nextFrame();
    await evictDurableObject(progressStub(requestId), { webSockets: "close" });
    // SERVICE_UNAVAILABLE is one of the codes httpSubscriptionLink retries with the last event id
    expect(await errorOf(sse)).toMatchObject({ data: { code: "SERVICE_UNAVAILABLE" } });
    await report(tenant, requestId, stageAt("CONFIGURING", t0 + 1000));
    if (!id) throw new Error("expected an event id");
    const resumed = await watch(tenant.member, { requestId, lastEventId: id });
    expect((await resumed.nextFrame()).frame).toMatchObject({ type: "stage", seq: 2, stage: "CONFIGURING" });
    await resumed.cancel();
  });

  it("closes its socket to the object when the browser goes away", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const sockets = () =>
      runInDurableObject(progressStub(requestId), (_instance, state) => state.getWebSockets().length);
    const sse = await watch(tenant.member, { requestId });
    await sse.nextFrame();
    expect(await sockets()).toBe(1);
    await sse.cancel();
    await vi.waitFor(async () => expect(await sockets()).toBe(0));
  });

  it("delivers the terminal frame and then ends the stream", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const sse = await watch(tenant.member, { requestId });
    await sse.nextFrame();
    const { kind, failure, at } = failedUpdate(requestId);
    await report(tenant, requestId, { kind, failure, at });
    const terminal = await sse.nextFrame();
    expect(terminal.frame).toMatchObject({
      type: "terminal",
      outcome: { status: "failed", code: "INSUFFICIENT_RESOURCES" },
    });
    expect(JSON.stringify(terminal.frame)).not.toContain("technicalDetail");
    expect(await sse.next()).toMatchObject({ event: "return" });
    expect(await sse.next()).toBeNull();
  });

  it("gives an admin the technical detail of a failure", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    await report(tenant, requestId, stageAt("CLONING", t0));
    const { kind, failure, at } = failedUpdate(requestId);
    await report(tenant, requestId, { kind, failure, at });
    const sse = await watch(tenant.admin, { requestId });
    const { frame } = await sse.nextFrame();
    expect(frame.type === "snapshot" && frame.state.terminal?.outcome).toMatchObject({
      technicalDetail: "InsufficientResourcesFault on task-7 (host-12)",
    });
  });

  it("answers another tenant's request exactly like a missing one: NOT_FOUND", async () => {
    const tenant = await seedTenant();
    const intruder = await seedTenant();
    const requestId = await approvedRequest(tenant);
    const foreign = await watch(intruder.admin, { requestId });
    const missing = await watch(intruder.admin, { requestId: "req_doesnotexist" });
    const [a, b] = [await errorOf(foreign), await errorOf(missing)];
    expect(a).toMatchObject({ message: "request not found", data: { code: "NOT_FOUND", httpStatus: 404 } });
    expect(a).toEqual(b);
  });

  it("answers another member's request in the same tenant with NOT_FOUND, like requests.get", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    expect(await errorOf(await watch(tenant.otherMember, { requestId }))).toMatchObject({
      data: { code: "NOT_FOUND" },
    });
  });

  it("refuses a caller without a session", async () => {
    const tenant = await seedTenant();
    const requestId = await approvedRequest(tenant);
    expect(await errorOf(await watch(null, { requestId }))).toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});

const SerializedError = z.object({
  message: z.string(),
  data: z.object({ code: z.string(), httpStatus: z.number() }).loose(),
});

/** The error tRPC sends inside the SSE stream (the response itself is 200 once the stream starts). */
async function errorOf(sse: SseReader): Promise<z.infer<typeof SerializedError>> {
  for (;;) {
    const event = await sse.next();
    if (!event) throw new Error("stream ended without an error");
    if (event.event === "serialized-error") return SerializedError.parse(JSON.parse(event.data));
    if (event.event === null) throw new Error(`expected an error, got data ${event.data}`);
  }
}
