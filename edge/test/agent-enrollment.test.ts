import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ENROLLMENT_TOKEN_TTL_MS } from "../src/tenancy/enrollment.ts";
import { connectAgent, enroll, freshSite, newToken, openSocket } from "./agent-support.ts";

describe("agent enrollment", () => {
  it("exchanges a token for a credential and stores only its hash", async () => {
    const siteId = freshSite("enroll");
    const token = await newToken(siteId);
    const res = await enroll(token.token, "esx-agent-01");
    expect(res.status).toBe(201);
    const body = await res.json<{ agentId: string; credential: string; siteId: string }>();
    expect(body.siteId).toBe(siteId);
    expect(body.credential).toMatch(/^gac_/);
    const row = await env.DB.prepare("SELECT * FROM agents WHERE id = ?")
      .bind(body.agentId)
      .first<Record<string, unknown>>();
    expect(row?.name).toBe("esx-agent-01");
    expect(JSON.stringify(row)).not.toContain(body.credential.slice(-43));
  });

  it("refuses a token the second time", async () => {
    const token = await newToken(freshSite("reuse"));
    expect((await enroll(token.token)).status).toBe(201);
    const again = await enroll(token.token);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: "ENROLLMENT_TOKEN_INVALID" });
  });

  it("lets exactly one of two concurrent uses win", async () => {
    const token = await newToken(freshSite("race"));
    const statuses = (await Promise.all([enroll(token.token, "a"), enroll(token.token, "b")])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([201, 401]);
  });

  it("refuses an expired token", async () => {
    const token = await newToken(freshSite("expired"), Date.now() - ENROLLMENT_TOKEN_TTL_MS - 1);
    expect((await enroll(token.token)).status).toBe(401);
  });

  it("refuses a made-up token with the same answer as a used one", async () => {
    const res = await enroll(`get_${crypto.randomUUID()}_${"A".repeat(43)}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "ENROLLMENT_TOKEN_INVALID" });
  });

  it("rejects a body without a token", async () => {
    const res = await exports.default.fetch("http://edge.test/agent/enroll", { method: "POST", body: "{}" });
    expect(res.status).toBe(400);
  });
});

describe("agent connect", () => {
  it("upgrades an enrolled agent", async () => {
    const token = await newToken(freshSite("connect"));
    const { credential } = await (await enroll(token.token)).json<{ credential: string }>();
    const agent = await connectAgent(credential);
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    agent.ws.close(1000, "done");
  });

  it("refuses a missing or wrong credential with 401", async () => {
    expect((await openSocket(null)).status).toBe(401);
    expect((await openSocket(`gac_${crypto.randomUUID()}_${"B".repeat(43)}`)).status).toBe(401);
  });

  it("refuses a plain GET without an upgrade", async () => {
    expect((await exports.default.fetch("http://edge.test/agent/connect")).status).toBe(426);
  });
});
