import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { describe, expect, it } from "vitest";
import { openProgressStream, type ProgressStream } from "../src/request-progress/open-progress-stream.ts";
import { failedUpdate, progressStub, stageUpdate, subscriber, uniqueId } from "./progress-fixtures.ts";

const tenant = { tenantId: "tenant-a" };

async function opened(requestId: string, signal?: AbortSignal): Promise<ProgressStream> {
  const result = await openProgressStream(env.REQUEST_PROGRESS, subscriber(requestId), signal);
  if (!result.ok) throw new Error(`expected a stream, got ${result.error.code}`);
  return result.value;
}

describe("openProgressStream", () => {
  it("yields the snapshot, then each frame as it is published, and ends after the terminal frame", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const stream = await opened(requestId);
    const seen: ProgressFrame["type"][] = [];
    for await (const frame of stream) {
      seen.push(frame.type);
      if (frame.type === "snapshot") await stub.publish(stageUpdate(requestId, "CONFIGURING"), tenant);
      if (frame.type === "stage") await stub.publish(failedUpdate(requestId), tenant);
    }
    expect(seen).toEqual(["snapshot", "stage", "terminal"]);
    expect(await stream.ended).toEqual({ complete: true, code: 1000 });
  });

  it("is NOT_FOUND for another tenant's request", async () => {
    const requestId = uniqueId("req");
    await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), tenant);
    const result = await openProgressStream(
      env.REQUEST_PROGRESS,
      subscriber(requestId, { tenantId: "tenant-b" }),
    );
    expect(result).toEqual({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("stops when the caller aborts and says the run did not complete", async () => {
    const requestId = uniqueId("req");
    await progressStub(requestId).publish(stageUpdate(requestId, "CLONING"), tenant);
    const controller = new AbortController();
    const stream = await opened(requestId, controller.signal);
    const seen: string[] = [];
    for await (const frame of stream) {
      seen.push(frame.type);
      controller.abort();
    }
    expect(seen).toEqual(["snapshot"]);
    expect((await stream.ended).complete).toBe(false);
  });

  it("ends as incomplete when the object drops the socket mid-run", async () => {
    const requestId = uniqueId("req");
    const stub = progressStub(requestId);
    await stub.publish(stageUpdate(requestId, "CLONING"), tenant);
    const stream = await opened(requestId);
    for await (const frame of stream) {
      if (frame.type === "snapshot") await evictDurableObject(stub, { webSockets: "close" });
    }
    expect((await stream.ended).complete).toBe(false);
  });
});
