-- Lease fencing in D1 (edge/src/commands/lease-fence.ts is the only module with SQL on these tables).
-- The site's AgentHub fences job frames by lease epoch, but recording one awaits D1: a lease can expire
-- and be granted anew while a stale holder's write is on its way. So the epoch is also a condition of
-- the write itself. A re-grant (epoch 2 and up) raises the job's row here before the new holder hears
-- of it; every recorded job update carries a guard statement in its batch that aborts the whole batch
-- when the stored epoch is higher than the writer's. A first grant writes nothing: no earlier holder
-- can exist, so the common path costs no row.
CREATE TABLE job_leases (
  job_id TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL CHECK (epoch >= 1)
) WITHOUT ROWID;

-- Never holds a row: the guard inserts into it only when the writer is stale, and the trigger aborts
-- that batch with a message the event store recognises ('gantry:stale_lease').
CREATE TABLE job_lease_guard (
  job_id TEXT NOT NULL,
  epoch INTEGER NOT NULL
);

CREATE TRIGGER job_lease_guard_refuses
BEFORE INSERT ON job_lease_guard
BEGIN
  SELECT RAISE(ABORT, 'gantry:stale_lease');
END;

-- An outbox row that can never be sent (its job does not parse, or the hub refuses it for good) is
-- marked failed with the reason, and its request fails with a sentence; it leaves the sweeper's window
-- so it can never hold back later rows.
ALTER TABLE job_outbox ADD COLUMN failed_at TEXT;

DROP INDEX job_outbox_undispatched;
CREATE INDEX job_outbox_undispatched ON job_outbox (created_at)
  WHERE dispatched_at IS NULL AND failed_at IS NULL;
