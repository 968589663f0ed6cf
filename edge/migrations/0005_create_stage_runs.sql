-- ETAs average the last N successful runs of the same template and size in a tenant, so a running sum
-- per tenant (stage_durations) cannot answer them. One row per finished run instead, written in the
-- VmProvisioned append's batch; still one row written per run (WITHOUT ROWID, no secondary index).
DROP TABLE stage_durations;

CREATE TABLE stage_runs (
  tenant_id TEXT NOT NULL,
  template_path TEXT NOT NULL,
  -- the hardware the run built ("cpu/memoryMb/diskGb"): a size code's meaning may change per tenant
  shape TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  request_id TEXT NOT NULL,
  cloning_ms INTEGER NOT NULL,
  configuring_ms INTEGER NOT NULL,
  powering_on_ms INTEGER NOT NULL,
  waiting_for_network_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, template_path, shape, finished_at, request_id)
) WITHOUT ROWID;
