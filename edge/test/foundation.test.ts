import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("edge foundation", () => {
  it("answers /healthz/details to the local stack once the Worker and D1 are up", async () => {
    const res = await exports.default.fetch("http://127.0.0.1:8787/healthz/details");
    expect(res.status).toBe(200);
    const body = await res.json<{ ok: boolean; agentsConnected: number }>();
    expect(body.ok).toBe(true);
    expect(body.agentsConnected).toBe(0);
  });

  it("writes and reads D1", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS scratch (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    await env.DB.prepare("INSERT INTO scratch (k, v) VALUES (?, ?)").bind("a", "1").run();
    const row = await env.DB.prepare("SELECT v FROM scratch WHERE k = ?").bind("a").first<{ v: string }>();
    expect(row?.v).toBe("1");
  });

  it("calls a Durable Object over RPC", async () => {
    const stub = env.REQUEST_PROGRESS.get(env.REQUEST_PROGRESS.idFromName("req-1"));
    expect(await stub.ping()).toBe("pong");
  });
});
