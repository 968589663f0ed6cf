import { env } from "cloudflare:workers";
import { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { beforeAll, describe, expect, it } from "vitest";
import { SWEEP_GRACE_MS, sweepOutbox } from "../src/commands/outbox-relay.ts";
import { readStream } from "../src/event-store/read-stream.ts";
import { streamIds } from "../src/event-store/stored-event.ts";
import { callerFor, codeOf, requestInput } from "./support/callers.ts";
import { FlakyD1 } from "./support/d1-wrappers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

beforeAll(() => seedReferenceData(env.DB));

/** Event types of a request's own stream, in order. */
const requestEvents = async (requestId: string) =>
  (await readStream(env.DB, streamIds.vmRequest(requestId))).events.map((e) => e.event.type);

const outboxRows = async (requestId: string) =>
  (
    await env.DB.prepare("SELECT job_id FROM job_outbox WHERE request_id = ?")
      .bind(requestId)
      .all<{ job_id: string }>()
  ).results;

/** The message a rejected call carries. */
async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("approvals: the job is built and checked before the approval commits", () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await createTestTenant(env.DB);
  });

  it("refuses a request whose job would be invalid, naming the field, and commits nothing", async () => {
    const w = testWorkflow();
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    // a default network that is not an inventory path, as SQL written by hand could leave it
    const site = await env.DB.prepare("SELECT network_path FROM sites WHERE id = ?")
      .bind(t.siteId)
      .first<{ network_path: string }>();
    await env.DB.prepare("UPDATE sites SET network_path = 'VM Network' WHERE id = ?").bind(t.siteId).run();
    try {
      const approve = callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
      expect(await messageOf(approve)).toMatch(/networkPath .*an admin must fix the project or site/);
      expect(
        await codeOf(callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version })),
      ).toBe("PRECONDITION_FAILED");
      expect(await requestEvents(requestId)).toEqual(["VmRequestSubmitted"]);
      expect(await outboxRows(requestId)).toEqual([]);
      expect(w.dispatcher.calls).toEqual([]);
    } finally {
      await env.DB.prepare("UPDATE sites SET network_path = ? WHERE id = ?")
        .bind(site?.network_path ?? null, t.siteId)
        .run();
    }
  });

  it("dispatches a job the hub accepts for a requester with a very long e-mail address", async () => {
    const w = testWorkflow();
    // the longest address a submitted request may carry
    const member = { ...t.member, email: `${"m".repeat(300)}@${t.tenantId}.test`.slice(0, 320) };
    const { requestId, version } = await callerFor(member, w).requests.create(requestInput(t.projectId));
    await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    await w.settle();
    const [dispatch] = w.dispatcher.calls;
    const job = ProvisionVmJob.safeParse(dispatch?.job);
    expect(job.success).toBe(true);
    expect(job.data?.annotation).toContain(member.email.slice(0, 100));
  });

  it("has database checks that match the slug schemas: the tables refuse what a job could not carry", async () => {
    const insertTenant = (id: string, slug: string) =>
      codeOf(env.DB.prepare("INSERT INTO tenants (id, slug, name) VALUES (?, ?, 'x')").bind(id, slug).run());
    const insertProject = (id: string, slug: string, prefix: string) =>
      codeOf(
        env.DB.prepare(
          "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, ?, 'x', ?, ?)",
        )
          .bind(id, t.tenantId, slug, prefix, t.siteId)
          .run(),
      );
    const tag = crypto.randomUUID().slice(0, 8);
    expect(await insertTenant(`t-under-${tag}`, `acme_corp${tag}`)).toMatch(/CHECK constraint failed/);
    expect(await insertTenant(`t-upper-${tag}`, `Acme${tag}`)).toMatch(/CHECK constraint failed/);
    expect(await insertTenant(`t-long-${tag}`, "a".repeat(41))).toMatch(/CHECK constraint failed/);
    expect(await insertTenant(`t-ok-${tag}`, `acme-corp-${tag}`)).toBe("resolved");
    expect(await insertProject(`p-space-${tag}`, `web app ${tag}`, "web")).toMatch(/CHECK constraint failed/);
    expect(await insertProject(`p-prefix-${tag}`, `web-${tag}`, "-web")).toMatch(/CHECK constraint failed/);
    expect(await insertProject(`p-ok-${tag}`, `web-${tag}`, "web-2")).toBe("resolved");
  });
});

describe("approvals under faults", () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await createTestTenant(env.DB);
  });

  it("approve racing cancel: exactly one wins, and nothing is half done", async () => {
    for (let round = 0; round < 4; round++) {
      const w = testWorkflow();
      const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
      const [approved, cancelled] = await Promise.allSettled([
        callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version }),
        callerFor(t.member, w).requests.cancel({ requestId }),
      ]);
      await w.settle();
      const events = await requestEvents(requestId);
      const status = (await callerFor(t.member, w).requests.get({ requestId })).request.status;
      if (approved.status === "fulfilled") {
        expect(cancelled.status).toBe("rejected");
        expect(await codeOf(Promise.reject(cancelled.status === "rejected" ? cancelled.reason : null))).toBe(
          "PRECONDITION_FAILED",
        );
        expect(events).toEqual(["VmRequestSubmitted", "VmRequestApproved"]);
        expect(status).toBe("APPROVED");
        expect(await outboxRows(requestId)).toHaveLength(1);
        expect(w.dispatcher.calls).toHaveLength(1);
      } else {
        expect(cancelled.status).toBe("fulfilled");
        expect(await codeOf(Promise.reject(approved.reason))).toBe("CONFLICT");
        expect(events).toEqual(["VmRequestSubmitted", "VmRequestCancelled"]);
        expect(status).toBe("CANCELLED");
        expect(await outboxRows(requestId)).toEqual([]);
        expect(w.dispatcher.calls).toEqual([]);
      }
    }
  });

  it("an approval whose answer D1 lost: a clear retryable error, and the retry neither duplicates the event nor the job", async () => {
    const flaky = new FlakyD1(env.DB);
    const w = testWorkflow({ db: flaky });
    const { requestId, version } = await callerFor(t.member, w).requests.create(requestInput(t.projectId));

    flaky.loseNextAnswer();
    const first = callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    expect(await codeOf(first)).toBe("SERVICE_UNAVAILABLE");
    expect(
      await messageOf(callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version })),
    ).toMatch(/try again in a moment/);
    // the write did land
    expect(await requestEvents(requestId)).toEqual(["VmRequestSubmitted", "VmRequestApproved"]);

    flaky.reconnect();
    const retried = await callerFor(t.admin, w).approvals.approve({ requestId, expectedVersion: version });
    expect(retried).toEqual({ requestId, version: version + 1, jobId: `job-${requestId}`, awaiting: 0 });
    expect(await requestEvents(requestId)).toEqual(["VmRequestSubmitted", "VmRequestApproved"]);
    expect(await outboxRows(requestId)).toHaveLength(1);
    // the relay never ran (the first call failed, the retry wrote nothing): the sweeper sends it, once
    w.clock.advance(SWEEP_GRACE_MS + 1000);
    await sweepOutbox(w.deps);
    await sweepOutbox(w.deps);
    expect(w.dispatcher.calls.map((c) => c.job.jobId)).toEqual([`job-${requestId}`]);
    // another admin at the same version is still refused: the approval was not theirs
    expect(
      await codeOf(callerFor(t.otherAdmin, w).approvals.approve({ requestId, expectedVersion: version })),
    ).toBe("CONFLICT");
  });

  it("D1 overloaded: a brief spell is retried within the call; a long one is a clear retryable error with nothing written", async () => {
    const flaky = new FlakyD1(env.DB);
    const w = testWorkflow({ db: flaky });
    const first = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    flaky.overloaded = 1;
    expect(
      await callerFor(t.admin, w).approvals.approve({ requestId: first.requestId, expectedVersion: 1 }),
    ).toMatchObject({
      version: 2,
    });

    const second = await callerFor(t.member, w).requests.create(requestInput(t.projectId));
    flaky.overloaded = 10;
    const approve = () =>
      callerFor(t.admin, w).approvals.approve({ requestId: second.requestId, expectedVersion: 1 });
    expect(await codeOf(approve())).toBe("SERVICE_UNAVAILABLE");
    expect(await requestEvents(second.requestId)).toEqual(["VmRequestSubmitted"]);
    expect(await outboxRows(second.requestId)).toEqual([]);
    flaky.overloaded = 0;
    expect(await approve()).toMatchObject({ version: 2 });
    await w.settle();
    expect(w.dispatcher.calls.map((c) => c.job.requestId)).toEqual([first.requestId, second.requestId]);
  });
});
