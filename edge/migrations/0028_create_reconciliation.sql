-- Reconciliation (issue 16): the projection of SiteScanned events (one owner:
-- edge/src/projections/reconciliation-projection.ts). The last scan of each site, and the marker VMs it
-- found that no live Gantry VM owns. Constraints match shared/src/domain/reconciliation.ts.
CREATE TABLE site_scans (
  site_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  scan_id TEXT NOT NULL CHECK (length(scan_id) BETWEEN 1 AND 100),
  agent_id TEXT NOT NULL CHECK (length(agent_id) BETWEEN 1 AND 100),
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'reconnect', 'on-demand')),
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  round_trips INTEGER NOT NULL CHECK (round_trips >= 0),
  marker_vms INTEGER NOT NULL CHECK (marker_vms >= 0),
  unowned INTEGER NOT NULL CHECK (unowned >= 0),
  missing INTEGER NOT NULL CHECK (missing >= 0),
  drifted INTEGER NOT NULL CHECK (drifted >= 0),
  reappeared INTEGER NOT NULL CHECK (reappeared >= 0)
);
-- the cron's "which sites are due" read
CREATE INDEX site_scans_finished ON site_scans (finished_at);

CREATE TABLE unowned_vms (
  tenant_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  vmware_id TEXT NOT NULL CHECK (length(vmware_id) BETWEEN 1 AND 200),
  instance_uuid TEXT CHECK (instance_uuid IS NULL OR length(instance_uuid) <= 100),
  marker_request_id TEXT NOT NULL CHECK (length(marker_request_id) BETWEEN 1 AND 100),
  name TEXT NOT NULL CHECK (length(name) <= 200),
  power_state TEXT NOT NULL CHECK (power_state IN ('poweredOn', 'poweredOff', 'suspended', 'unknown')),
  cpu INTEGER NOT NULL CHECK (cpu BETWEEN 0 AND 1024),
  memory_mb INTEGER NOT NULL CHECK (memory_mb BETWEEN 0 AND 16777216),
  disk_gb INTEGER NOT NULL CHECK (disk_gb BETWEEN 0 AND 1048576),
  -- the scan that (last) found it; a scan replaces the site's rows
  scan_id TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (site_id, vmware_id)
);
CREATE INDEX unowned_vms_tenant ON unowned_vms (tenant_id, site_id);
