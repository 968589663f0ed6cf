import { describe, expect, it } from "vitest";
import { startHealthServer } from "./health.ts";

const snapshot = {
  connected: true,
  lastHeartbeatAt: null,
  jobsInFlight: 2,
  draining: false,
  agentId: "a",
  version: "t",
  vcenterRoundTrips: { total: 11, byMethod: { CloneVM_Task: 1 } },
  upgrade: { phase: "idle" as const, target: null, lastError: null },
};

describe("startHealthServer", () => {
  it("answers 200 with the snapshot while connected", async () => {
    const h = await startHealthServer({ host: "127.0.0.1", port: 0, snapshot: () => snapshot });
    const res = await fetch(`http://127.0.0.1:${h.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(snapshot);
    await h.close();
  });

  it("answers 503 while disconnected and 404 elsewhere", async () => {
    const h = await startHealthServer({
      host: "127.0.0.1",
      port: 0,
      snapshot: () => ({ ...snapshot, connected: false }),
    });
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${h.port}/other`)).status).toBe(404);
    await h.close();
  });
});
