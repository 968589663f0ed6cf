import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AgentHub } from "../src/agent-hub/agent-hub.ts";
import { JobQueue } from "../src/agent-hub/job-queue.ts";
import { freshSite, hubOf, testJob } from "./agent-support.ts";

// The hub keeps every job its site ever ran (a done row is what makes a re-sent dispatch a duplicate),
// so what runs on every renewal, result, hello and sweep must read the live jobs only, not the history.

const FINISHED = 3_000;
const AGENT = "agent-old";
const HOUR = 3_600_000;
// a few live jobs plus index probes; the history is 3,000 rows
const BOUND = 30;

/** `sql` whose statements are kept, so a test can add up the rows each call read. */
function countingSql(sql: SqlStorage) {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const counted = {
    exec: (query: string, ...bindings: unknown[]) => {
      const cursor = sql.exec(query, ...bindings);
      cursors.push(cursor);
      return cursor;
    },
  } as SqlStorage;
  const rowsRead = (call: () => unknown) => {
    cursors.length = 0;
    call();
    return cursors.reduce((n, c) => n + c.rowsRead, 0);
  };
  return { counted, rowsRead };
}

/** Finished jobs as the hub leaves them: done, still naming the agent that ran them, some it had refused. */
function fillHistory(sql: SqlStorage, now: number) {
  sql.exec(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO jobs (job_id, tenant_id, site_id, request_id, kind, spec, state, agent_id, epoch, attempt,
       last_seq, declined_by, outcome, first_granted_at, enqueued_at, updated_at)
     SELECT 'old-' || i, 'tenant-a', 'site', 'req-old-' || i, 'provision-vm', '{}', 'done', ?2, 1, 1, 9,
       CASE WHEN i % 2 = 0 THEN ?2 END, 'succeeded', ?3 - i, ?3 - i, ?3 - i FROM n`,
    FINISHED,
    AGENT,
    now - 30 * 24 * HOUR,
  );
}

describe("AgentHub with a long job history", () => {
  it("reads the live jobs only on its hot paths, however many finished jobs it keeps", async () => {
    const siteId = freshSite("history");
    await runInDurableObject(hubOf(siteId), (_hub: AgentHub, state) => {
      const now = Date.now();
      fillHistory(state.storage.sql, now);
      const { counted, rowsRead } = countingSql(state.storage.sql);
      const queue = new JobQueue(counted);
      // one job leased by the agent, one it declined, one still queued (listed by enqueue time, then id)
      for (const jobId of ["live-leased", "live-declined", "live-queued"])
        queue.enqueue({ tenantId: "tenant-a", siteId, job: testJob(jobId), now });
      queue.offer({ jobId: "live-leased", agentId: AGENT, now, offerTimeoutMs: 60_000 });
      expect(queue.grant({ jobId: "live-leased", agentId: AGENT, now, leaseTtlMs: 90_000 }).ok).toBe(true);
      queue.offer({ jobId: "live-declined", agentId: AGENT, now, offerTimeoutMs: 60_000 });
      queue.decline({ jobId: "live-declined", agentId: AGENT, now });

      const reads = {
        // lease.renew: the agent's declines end, its stopped leases get their cancel again
        clearDeclines: rowsRead(() => queue.clearDeclines(AGENT)),
        heldByLeased: rowsRead(() =>
          expect(queue.heldBy(AGENT, ["leased"]).map((j) => j.jobId)).toEqual(["live-leased"]),
        ),
        // revoke and disconnect
        heldBy: rowsRead(() => expect(queue.heldBy(AGENT).map((j) => j.jobId)).toEqual(["live-leased"])),
        // every dispatch: the queue, the agents' load, then arming the sweep
        queued: rowsRead(() =>
          expect(queue.queued().map((j) => j.jobId)).toEqual(["live-declined", "live-queued"]),
        ),
        loadByAgent: rowsRead(() => expect(queue.loadByAgent()).toEqual(new Map([[AGENT, 1]]))),
        // every dispatch arms the sweep
        pendingOutcomes: rowsRead(() => expect(queue.pendingOutcomes()).toEqual([])),
        nextDeadline: rowsRead(() => expect(queue.nextDeadline(HOUR)).toBe(now + 90_000)),
        // the alarm's sweep
        expired: rowsRead(() => expect(queue.expired(now)).toEqual([])),
        stopsPastDeadline: rowsRead(() => expect(queue.stopsPastDeadline(now)).toEqual([])),
        overdue: rowsRead(() =>
          expect(queue.overdue(now + 2 * HOUR, HOUR).map((j) => j.jobId)).toEqual(["live-leased"]),
        ),
        // the status page
        active: rowsRead(() =>
          expect(queue.active().map((j) => j.jobId)).toEqual(["live-declined", "live-leased", "live-queued"]),
        ),
      };
      expect(queue.get("live-declined")?.declinedBy).toBeNull();
      // the calls that read the history, with how many rows
      expect(Object.entries(reads).filter(([, rows]) => rows >= BOUND)).toEqual([]);

      // a stopped job's outcome still to be written is found, and only it is read
      expect(queue.requestCancel({ jobId: "live-queued", now, graceMs: 60_000 })).toBe("cancelled");
      let pending: string[] = [];
      expect(rowsRead(() => (pending = queue.pendingOutcomes().map((j) => j.jobId)))).toBeLessThan(BOUND);
      expect(pending).toEqual(["live-queued"]);
    });
  });
});
