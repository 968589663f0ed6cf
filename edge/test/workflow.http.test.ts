import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sweepOutbox } from "../src/commands/outbox-relay.ts";
import { workerDeps } from "../src/deps.ts";
import { siteHub } from "../src/stubs.ts";
import { body, devLogin, trpcMutation, trpcQuery } from "./support/http.ts";
import { seedReferenceData } from "./support/seed.ts";

beforeAll(() => seedReferenceData(env.DB));

describe("the request workflow through the Worker", () => {
  it("lets a member submit and an admin of the same tenant approve, producing exactly one job", async () => {
    const alice = { cookie: await devLogin("alice@acme.test") };
    const adam = { cookie: await devLogin("adam@acme.test") };

    const projects = await body<{ projectId: string }[]>(
      await trpcQuery("catalog.projects", undefined, alice),
    );
    const projectId = projects.result?.data.find((p) => p.projectId === "proj-acme-web")?.projectId;
    const input = {
      idempotencyKey: crypto.randomUUID(),
      projectId,
      name: "demo-01",
      size: "S",
      justification: "demo of the whole flow",
    };
    const created = await body<{ requestId: string; version: number }>(
      await trpcMutation("requests.create", input, alice),
    );
    const requestId = created.result?.data.requestId ?? "";
    // a retried submit (same key) lands on the same request
    const retried = await body<{ requestId: string }>(await trpcMutation("requests.create", input, alice));
    expect(retried.result?.data.requestId).toBe(requestId);

    const queue = await body<{ items: { requestId: string; version: number }[] }>(
      await trpcQuery("approvals.pending", {}, adam),
    );
    const seen = queue.result?.data.items.find((r) => r.requestId === requestId);
    expect(seen?.version).toBe(1);

    const approve = { requestId, expectedVersion: seen?.version };
    const approved = await trpcMutation("approvals.approve", approve, adam);
    expect(approved.status).toBe(200);
    // the same admin repeating the approval (its answer lost on the way) is answered as done, written once
    expect((await trpcMutation("approvals.approve", approve, adam)).status).toBe(200);

    // whether or not the relay in waitUntil finished, the sweeper delivers it; the hub keeps one job
    await sweepOutbox(workerDeps(env, { clock: () => new Date(Date.now() + 60_000) }));
    const { results } = await env.DB.prepare(
      "SELECT job_id, site_id, dispatched_at FROM job_outbox WHERE request_id = ?",
    )
      .bind(requestId)
      .all<{ job_id: string; site_id: string; dispatched_at: string | null }>();
    expect(results).toEqual([
      { job_id: `job-${requestId}`, site_id: "site-acme-vcsim", dispatched_at: expect.any(String) },
    ]);
    const hub = siteHub(env, "site-acme-vcsim");
    expect(await hub.jobStatus(`job-${requestId}`)).toMatchObject({ requestId, state: "queued" });
    expect((await hub.status()).jobs.filter((j) => j.requestId === requestId)).toHaveLength(1);

    const detail = await body<{ request: { status: string } }>(
      await trpcQuery("requests.get", { requestId }, alice),
    );
    expect(detail.result?.data.request.status).toBe("APPROVED");
  });

  it("answers another tenant's member with 404 for the request", async () => {
    const alice = { cookie: await devLogin("alice@acme.test") };
    const gina = { cookie: await devLogin("gina@globex.test") };
    const input = {
      idempotencyKey: crypto.randomUUID(),
      projectId: "proj-acme-web",
      name: "demo-02",
      justification: "demo of isolation",
    };
    const created = await body<{ requestId: string }>(await trpcMutation("requests.create", input, alice));
    const response = await trpcQuery("requests.get", { requestId: created.result?.data.requestId }, gina);
    expect(response.status).toBe(404);
  });

  it("accepts list queries sent without input, using the page defaults", async () => {
    const adam = { cookie: await devLogin("adam@acme.test") };
    for (const path of ["requests.list", "approvals.pending", "vms.list", "audit.list"]) {
      const response = await trpcQuery(path, undefined, adam);
      expect([path, response.status]).toEqual([path, 200]);
    }
    const pending = await body<{ page: number; pageSize: number }>(
      await trpcQuery("approvals.pending", undefined, adam),
    );
    expect(pending.result?.data).toMatchObject({ page: 1, pageSize: 25 });
  });

  it("never sends stack traces in error responses", async () => {
    const adam = { cookie: await devLogin("adam@acme.test") };
    const response = await trpcMutation(
      "approvals.approve",
      { requestId: "req_missing", expectedVersion: 1 },
      adam,
    );
    const text = await response.text();
    expect(response.status).toBe(404);
    expect(text).not.toContain("stack");
    expect(text).not.toContain(".ts:");
  });
});
