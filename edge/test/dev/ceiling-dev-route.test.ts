import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// wrangler.toml's ALLOWED_ORIGINS: the local stack's origin, which the dev routes check like any other
const LOCAL = "http://127.0.0.1:8787";

const post = (path: string, body: unknown) =>
  exports.default.fetch(`${LOCAL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: LOCAL },
    body: JSON.stringify(body),
  });

interface StepAnswer {
  shape: string;
  commits: number;
  rowsWritten: number;
  statements: number;
  ms: number;
  commitP50Ms: number;
  commitP99Ms: number;
}

const step = (prefix: string, n: number, concurrency = 2) =>
  post("/agent/dev/ceiling/commits", {
    tenantId: "bench-ceiling",
    prefix,
    from: 0,
    count: 3,
    concurrency,
    step: n,
  });

describe("the D1 write-ceiling dev route (bench scenario d1-ceiling)", () => {
  it("commits one step of each lifecycle at a time, in the product's commit shapes, and counts their rows", async () => {
    const shapes: string[] = [];
    for (let n = 0; n < 4; n++) {
      const res = await step("ceil", n);
      expect(res.status).toBe(200);
      const answer = await res.json<StepAnswer>();
      expect(answer.commits).toBe(3);
      expect(answer.rowsWritten).toBeGreaterThan(0);
      // every commit is one batch of at least its event inserts
      expect(answer.statements).toBeGreaterThanOrEqual(answer.commits);
      expect(answer.commitP99Ms).toBeGreaterThanOrEqual(answer.commitP50Ms);
      shapes.push(answer.shape);
    }
    expect(shapes).toEqual(["submit", "approve", "first-stage", "ready"]);
  });

  it("refuses with 409 a step whose streams are not at the version the previous step leaves", async () => {
    const res = await step("ceil_skip", 3);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "COMMIT_REFUSED" });
  });

  it("rejects a step out of range", async () => {
    expect((await step("ceil_bad", 4)).status).toBe(400);
  });
});
