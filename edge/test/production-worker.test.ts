import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LOCAL } from "./support/http.ts";

describe("the production Worker", () => {
  it("has no dev routes: /agent/dev/* answers 404 on loopback even with DEV_LOGIN on", async () => {
    const enqueue = await exports.default.fetch(`${LOCAL}/agent/dev/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: LOCAL },
      body: JSON.stringify({ tenantId: "t", siteId: "s", job: {} }),
    });
    expect(enqueue.status).toBe(404);
    for (const path of ["/agent/dev/sites/s/status", "/agent/dev/bench/d1-meter"]) {
      expect((await exports.default.fetch(`${LOCAL}${path}`)).status).toBe(404);
    }
  });
});
