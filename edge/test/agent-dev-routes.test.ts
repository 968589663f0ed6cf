import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { freshSite, testJob } from "./agent-support.ts";

const post = (path: string, body: unknown) =>
  exports.default.fetch(`http://127.0.0.1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("agent dev routes (DEV_LOGIN on)", () => {
  it("enqueues a job on a site's hub and reports why it waits", async () => {
    const siteId = freshSite("dev");
    const res = await post("/agent/dev/enqueue", { tenantId: "tenant-a", siteId, job: testJob("j-dev") });
    expect(await res.json()).toMatchObject({
      ok: true,
      value: { status: "queued", waiting: { code: "NO_AGENT_CONNECTED" } },
    });
    const status = await exports.default.fetch(
      `http://127.0.0.1/agent/dev/sites/${siteId}/status?jobId=j-dev`,
    );
    expect(await status.json()).toMatchObject({ jobId: "j-dev", state: "queued" });
  });

  it("rejects an invalid job", async () => {
    const res = await post("/agent/dev/enqueue", { tenantId: "t", siteId: "s", job: { kind: "reboot" } });
    expect(res.status).toBe(400);
  });

  it("answers 404 off loopback even with DEV_LOGIN on", async () => {
    const res = await exports.default.fetch("http://edge.test/agent/dev/sites/s/status");
    expect(res.status).toBe(404);
  });
});
