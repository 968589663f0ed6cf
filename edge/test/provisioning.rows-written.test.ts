import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { approveRequest } from "../src/commands/approve-request.ts";
import { submitRequest } from "../src/commands/submit-request.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { provisionToReady } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

/** The D1 economy target: rows written per request from submit to READY, index entries included. */
const BUDGET = 40;

let t: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
});

describe("D1 rows written per request", () => {
  it(`stays within ${BUDGET} rows from submit through approval, four stages and READY`, async () => {
    const db = new MeteredD1(env.DB);
    const w = testWorkflow({ db });
    const steps: Record<string, number> = {};
    const measure = async (step: string, work: () => Promise<unknown>) => {
      const before = db.rowsWritten;
      await work();
      steps[step] = db.rowsWritten - before;
    };

    let requestId = "";
    await measure("submit", async () => {
      const submitted = await submitRequest(w.deps, {
        principal: t.member,
        submission: {
          idempotencyKey: crypto.randomUUID(),
          projectId: t.projectId,
          name: "api-01",
          size: "M",
          justification: "for the benchmark",
        },
      });
      if (!submitted.ok) throw new Error(submitted.error.code);
      requestId = submitted.value.requestId;
    });
    await measure("approve + outbox + relay", async () => {
      const approved = await approveRequest(w.deps, { principal: t.admin, requestId, expectedVersion: 1 });
      if (!approved.ok) throw new Error(approved.error.code);
      await w.settle();
    });
    await measure("4 stages + READY", async () => {
      const results = await provisionToReady(w, {
        requestId,
        tenantId: t.tenantId,
        start: new Date("2026-03-02T10:00:00Z"),
      });
      if (!results.every((r) => r.ok)) throw new Error("a job update was refused");
    });

    console.info(JSON.stringify({ rowsWrittenPerRequest: db.rowsWritten, steps }));
    expect(w.dispatcher.calls).toHaveLength(1);
    expect(db.rowsWritten).toBeLessThanOrEqual(BUDGET);
    // catches a metering mistake that would make the budget meaningless
    expect(db.rowsWritten).toBeGreaterThanOrEqual(20);
  });
});
