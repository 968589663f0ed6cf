-- Quotas (issue 18). `edge/src/tenancy/quotas.ts` owns `quotas`; `edge/src/commands/quota-guard.ts` owns
-- `quota_guard`. A tenant's own quota (over all its projects) is the row with project_id ''; a project's
-- is the row with its id. Each limit is optional (NULL = unlimited); the CHECKs match
-- shared/src/domain/quota.ts (integers 0 … 1 000 000).
CREATE TABLE quotas (
  tenant_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  vcpu INTEGER CHECK (vcpu IS NULL OR (typeof(vcpu) = 'integer' AND vcpu BETWEEN 0 AND 1000000)),
  memory_gb INTEGER CHECK (memory_gb IS NULL OR (typeof(memory_gb) = 'integer' AND memory_gb BETWEEN 0 AND 1000000)),
  disk_gb INTEGER CHECK (disk_gb IS NULL OR (typeof(disk_gb) = 'integer' AND disk_gb BETWEEN 0 AND 1000000)),
  vms INTEGER CHECK (vms IS NULL OR (typeof(vms) = 'integer' AND vms BETWEEN 0 AND 1000000)),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (tenant_id, project_id)
) WITHOUT ROWID;

-- Never holds a row: an approval's batch inserts into it only when the capacity it takes does not fit
-- (the same statement sums what the project and tenant hold), and the trigger aborts the whole batch
-- with a message the event store recognises ('gantry:quota_exceeded'). D1 runs a batch as one
-- transaction, so two approvals at the limit are serialised and the second sees the first.
CREATE TABLE quota_guard (
  tenant_id TEXT NOT NULL,
  project_id TEXT NOT NULL
);

CREATE TRIGGER quota_guard_refuses
BEFORE INSERT ON quota_guard
BEGIN
  SELECT RAISE(ABORT, 'gantry:quota_exceeded');
END;

-- What a project and its tenant hold is a sum over the tenant's rows (the primary key's prefix; one scan
-- gives both). No index is added for it: each would cost a D1 row per request, and reads are cheap.

-- A resized VM holds its new spec from the moment its resize is asked of the agent (a resize up only
-- after its approval); NULL: the spec it was requested with (cpu, memory_gb, disk_gb).
ALTER TABLE request_summary ADD COLUMN held_cpu INTEGER;
ALTER TABLE request_summary ADD COLUMN held_memory_gb INTEGER;
ALTER TABLE request_summary ADD COLUMN held_disk_gb INTEGER;
