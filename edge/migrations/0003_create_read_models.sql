-- Read models kept by inline projections (same D1 batch as the events), plus the job outbox.
-- Tables are WITHOUT ROWID with natural keys so an insert costs one write, not row + key index; every
-- secondary index is a write per insert, so there are only the two the screens need.

-- One row per request, also carrying its VM: the request and its VM are one-to-one.
CREATE TABLE request_summary (
  tenant_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  requester_id TEXT NOT NULL,
  requester_name TEXT NOT NULL,
  requester_email TEXT NOT NULL,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  size TEXT NOT NULL,
  cpu INTEGER NOT NULL,
  memory_gb INTEGER NOT NULL,
  disk_gb INTEGER NOT NULL,
  justification TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  decided_by TEXT,
  decided_by_name TEXT,
  decided_at TEXT,
  decision_reason TEXT,
  job_id TEXT,
  vm_id TEXT,
  stage TEXT,
  stage_at TEXT,
  vmware_id TEXT,
  vm_name TEXT,
  hostname TEXT,
  ip_address TEXT,
  vm_warning TEXT,
  failure_code TEXT,
  failure_message TEXT,
  PRIMARY KEY (tenant_id, request_id)
) WITHOUT ROWID;

-- "my requests", newest first; also the admin's "recent requests by this requester"
CREATE INDEX request_summary_by_requester ON request_summary (tenant_id, requester_id, created_at);
-- the admin queue holds only pending rows, so the index stays small
CREATE INDEX request_summary_pending ON request_summary (tenant_id, created_at) WHERE status = 'PENDING';

-- Who (a person) did what when. Agent-reported progress lives on the request timeline instead.
CREATE TABLE audit_log (
  tenant_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT,
  action TEXT NOT NULL,
  request_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (tenant_id, position)
) WITHOUT ROWID;

-- Sums of completed runs' stage durations per tenant, for ETAs: one row, one write per finished run.
CREATE TABLE stage_durations (
  tenant_id TEXT PRIMARY KEY,
  runs INTEGER NOT NULL,
  cloning_ms INTEGER NOT NULL,
  configuring_ms INTEGER NOT NULL,
  powering_on_ms INTEGER NOT NULL,
  waiting_for_network_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Transactional outbox: written in the approval's batch, relayed to the site's AgentHub right after the
-- append and by the minute sweeper until dispatched. Not a projection: rebuilds never touch it.
CREATE TABLE job_outbox (
  job_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  job TEXT NOT NULL CHECK (json_valid(job)),
  created_at TEXT NOT NULL,
  dispatched_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
) WITHOUT ROWID;

CREATE INDEX job_outbox_undispatched ON job_outbox (created_at) WHERE dispatched_at IS NULL;
