import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { enrolledAgent, freshSite, openSocket, testJob } from "../agent-support.ts";

// wrangler.toml's ALLOWED_ORIGINS: the local stack's origin, which the dev routes check like any other
const LOCAL = "http://127.0.0.1:8787";

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${LOCAL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: LOCAL, ...headers },
    body: JSON.stringify(body),
  });
const get = (path: string) => exports.default.fetch(`${LOCAL}${path}`);
const jobStatus = async (siteId: string, jobId: string) =>
  (await get(`/agent/dev/sites/${siteId}/status?jobId=${jobId}`)).json();

describe("agent dev routes of the dev Worker (DEV_LOGIN on)", () => {
  it("enqueues a job on a site's hub and reports why it waits", async () => {
    const siteId = freshSite("dev");
    const res = await post("/agent/dev/enqueue", { tenantId: "tenant-a", siteId, job: testJob("j-dev") });
    expect(await res.json()).toMatchObject({
      ok: true,
      value: { status: "queued", waiting: { code: "NO_AGENT_CONNECTED" } },
    });
    expect(await jobStatus(siteId, "j-dev")).toMatchObject({ jobId: "j-dev", state: "queued" });
  });

  it("rejects an invalid job", async () => {
    const res = await post("/agent/dev/enqueue", { tenantId: "t", siteId: "s", job: { kind: "reboot" } });
    expect(res.status).toBe(400);
  });

  it("answers 404 off loopback even with DEV_LOGIN on", async () => {
    const res = await exports.default.fetch("http://edge.test/agent/dev/sites/s/status");
    expect(res.status).toBe(404);
  });

  it("refuses a state change that is not JSON, so a cross-site form cannot send one", async () => {
    const siteId = freshSite("dev-form");
    const body = { tenantId: "tenant-a", siteId, job: testJob("j-form") };
    const res = await post("/agent/dev/enqueue", body, { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(await jobStatus(siteId, "j-form")).toBeNull();
  });

  it("refuses a state change from an origin that is not allowed", async () => {
    const siteId = freshSite("dev-origin");
    const body = { tenantId: "tenant-a", siteId, job: testJob("j-origin") };
    const res = await post("/agent/dev/enqueue", body, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await jobStatus(siteId, "j-origin")).toBeNull();
  });

  it("revokes an agent by id: its credential no longer connects", async () => {
    const { agentId, credential } = await enrolledAgent(freshSite("dev-revoke"));
    expect(await (await post(`/agent/dev/agents/${agentId}/revoke`, {})).json()).toEqual({
      ok: true,
      value: { requeued: 0, confirmed: true },
    });
    expect((await openSocket(credential)).status).toBe(401);
    expect((await post("/agent/dev/agents/no-such-agent/revoke", {})).status).toBe(404);
  });

  it("serves the bench's hooks: synthetic appends, and the D1 meter that counts their rows by statement", async () => {
    expect((await post("/agent/dev/bench/d1-meter/reset", {})).status).toBe(200);
    const appended = await post("/agent/dev/bench/append", {
      tenantId: "bench",
      prefix: "dev",
      from: 0,
      count: 1,
    });
    const { events, rowsWritten } = await appended.json<{ events: number; rowsWritten: number }>();
    expect(events).toBe(4);
    expect(rowsWritten).toBeGreaterThan(0);
    const meter = await (await get("/agent/dev/bench/d1-meter")).json<{
      rowsWritten: number;
      byStatement: { statement: string; rows: number }[];
    }>();
    expect(meter.rowsWritten).toBeGreaterThanOrEqual(rowsWritten);
    // the log's own rows are named, and the breakdown adds up to the tally
    expect(meter.byStatement.find((s) => s.statement === "INSERT events")?.rows).toBeGreaterThanOrEqual(
      events,
    );
    expect(meter.byStatement.reduce((n, s) => n + s.rows, 0)).toBe(meter.rowsWritten);
  });

  it("lets the notifier catch up on the log before a bench measurement", async () => {
    const appended = await post("/agent/dev/bench/append", {
      tenantId: "bench",
      prefix: "notify",
      from: 100,
      count: 3,
    });
    expect(appended.status).toBe(200);
    const first = await (await post("/agent/dev/bench/notifier/catch-up", {})).json<{
      events: number;
      caughtUp: boolean;
    }>();
    expect(first.caughtUp).toBe(true);
    // the lifecycles' submits and READYs are events the notifier reads
    expect(first.events).toBeGreaterThanOrEqual(6);
    // nothing new since: a second catch-up reads nothing
    const again = await (await post("/agent/dev/bench/notifier/catch-up", {})).json<{
      events: number;
      caughtUp: boolean;
    }>();
    expect(again).toMatchObject({ events: 0, caughtUp: true });
  });

  it("passes every other route to the production Worker", async () => {
    expect(await (await get("/healthz/details")).json()).toMatchObject({ ok: true });
  });
});
