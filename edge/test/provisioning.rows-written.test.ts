import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { approveRequest } from "../src/commands/approve-request.ts";
import { requestVmAction } from "../src/commands/request-vm-action.ts";
import { submitRequest } from "../src/commands/submit-request.ts";
import { MeteredD1 } from "./support/d1-wrappers.ts";
import { provisionToReady } from "./support/job-updates.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";
import { readyVm, report, vmFacts } from "./support/vms.ts";

/**
 * The D1 economy target: rows written per request from submit to READY, index entries included (the
 * bench adds what notifying costs). A report's events change their request's summary row in one UPDATE.
 */
const BUDGET = 22;

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

    console.info(
      JSON.stringify({ rowsWrittenPerRequest: db.rowsWritten, steps, byStatement: db.byStatement }),
    );
    expect(w.dispatcher.calls).toHaveLength(1);
    expect(db.rowsWritten).toBeLessThanOrEqual(BUDGET);
    // catches a metering mistake that would make the budget meaningless
    expect(db.rowsWritten).toBeGreaterThanOrEqual(15);
  });
});

/** What one VM action costs, from the command through a step to its outcome. */
const ACTION_BUDGET = 20;

describe("D1 rows written per VM action", () => {
  it(`stays within ${ACTION_BUDGET} rows for a power off: command + outbox + relay, a step, the outcome`, async () => {
    const vmId = await readyVm(testWorkflow(), t);
    const db = new MeteredD1(env.DB);
    const w = testWorkflow({ db });
    const policy = { snapshotCap: 3, guestTimeoutSeconds: 120, actionBudgetSeconds: 600 };
    const steps: Record<string, number> = {};
    const measure = async (step: string, work: () => Promise<unknown>) => {
      const before = db.rowsWritten;
      await work();
      steps[step] = db.rowsWritten - before;
    };
    let actionId = "";
    await measure("command + outbox + relay", async () => {
      const accepted = await requestVmAction(w.deps, {
        principal: t.member,
        vmId,
        idempotencyKey: crypto.randomUUID(),
        reason: null,
        input: { kind: "power-off" },
        policy,
      });
      if (!accepted.ok || !accepted.value.actionId) throw new Error("refused");
      actionId = accepted.value.actionId;
      await w.settle();
    });
    const at = new Date().toISOString();
    await measure("step", () =>
      report(w, t, { vmId, actionId, update: { kind: "step", step: "POWERING_OFF", detail: {}, at } }),
    );
    await measure("outcome", () =>
      report(w, t, {
        vmId,
        actionId,
        update: {
          kind: "action-done",
          result: { facts: vmFacts({ powerState: "poweredOff" }), snapshot: null, note: null },
          at,
        },
      }),
    );
    console.info(JSON.stringify({ rowsWrittenPerAction: db.rowsWritten, steps }));
    expect(db.rowsWritten).toBeLessThanOrEqual(ACTION_BUDGET);
    expect(db.rowsWritten).toBeGreaterThanOrEqual(8);
  });
});

describe("D1 rows read at READY", () => {
  it("do not grow with the jobs the outbox keeps: the run's job is read by its key", async () => {
    const w = testWorkflow();
    const submitted = await submitRequest(w.deps, {
      principal: t.member,
      submission: {
        idempotencyKey: crypto.randomUUID(),
        projectId: t.projectId,
        name: "reads-01",
        size: "M",
        justification: "for the read count",
      },
    });
    if (!submitted.ok) throw new Error(submitted.error.code);
    const { requestId } = submitted.value;
    const approved = await approveRequest(w.deps, { principal: t.admin, requestId, expectedVersion: 1 });
    if (!approved.ok) throw new Error(approved.error.code);
    await w.settle();
    // 600 dispatched jobs of other requests, as a tenant's history leaves them
    const old = Array.from({ length: 600 }, (_, i) =>
      env.DB.prepare(
        `INSERT INTO job_outbox (job_id, tenant_id, site_id, request_id, job, created_at, dispatched_at)
         VALUES (?, ?, ?, ?, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z')`,
      ).bind(`job-old-${requestId}-${i}`, t.tenantId, t.siteId, `old-${requestId}-${i}`),
    );
    await env.DB.batch(old);
    const db = new MeteredD1(env.DB);
    const metered = testWorkflow({ db });
    const start = new Date("2026-03-02T10:00:00Z");
    const results = await provisionToReady(metered, { requestId, tenantId: t.tenantId, start });
    expect(results.every((r) => r.ok)).toBe(true);
    const [run] = (
      await env.DB.prepare("SELECT template_path FROM stage_runs WHERE tenant_id = ? AND request_id = ?")
        .bind(t.tenantId, requestId)
        .all<{ template_path: string }>()
    ).results;
    expect(run?.template_path).toBeTruthy();
    expect(db.rowsRead).toBeGreaterThan(0);
    expect(db.rowsRead).toBeLessThan(old.length / 4);
  });
});
