-- The VM after READY (issue 15), carried by its request's summary row like the rest of the VM: My VMs,
-- the VM page's header and the admins' resize queue read these columns. They are set only by VM events,
-- except vm_status, vm_ready_at and vm_power_state, which the READY update of the request already writes
-- (the same UPDATE, so provisioning writes no extra row). NULL until READY.
ALTER TABLE request_summary ADD COLUMN vm_status TEXT;
ALTER TABLE request_summary ADD COLUMN vm_ready_at TEXT;
ALTER TABLE request_summary ADD COLUMN vm_power_state TEXT;
-- what Gantry last set or vCenter last showed; NULL: as the request built it (size, cpu, memory_gb, disk_gb)
ALTER TABLE request_summary ADD COLUMN vm_size TEXT;
ALTER TABLE request_summary ADD COLUMN vm_cpu INTEGER;
ALTER TABLE request_summary ADD COLUMN vm_memory_mb INTEGER;
ALTER TABLE request_summary ADD COLUMN vm_disk_gb INTEGER;
-- the one action running on the VM (all NULL when none)
ALTER TABLE request_summary ADD COLUMN vm_action_id TEXT;
ALTER TABLE request_summary ADD COLUMN vm_action_kind TEXT;
ALTER TABLE request_summary ADD COLUMN vm_action_step TEXT;
ALTER TABLE request_summary ADD COLUMN vm_action_detail TEXT CHECK (vm_action_detail IS NULL OR json_valid(vm_action_detail));
ALTER TABLE request_summary ADD COLUMN vm_action_by TEXT;
ALTER TABLE request_summary ADD COLUMN vm_action_by_name TEXT;
ALTER TABLE request_summary ADD COLUMN vm_action_at TEXT;
ALTER TABLE request_summary ADD COLUMN vm_action_deadline TEXT;
-- a resize up waiting for an admin (all NULL when none)
ALTER TABLE request_summary ADD COLUMN vm_resize_approval_id TEXT;
ALTER TABLE request_summary ADD COLUMN vm_resize_to TEXT;
ALTER TABLE request_summary ADD COLUMN vm_resize_by TEXT;
ALTER TABLE request_summary ADD COLUMN vm_resize_by_name TEXT;
ALTER TABLE request_summary ADD COLUMN vm_resize_reason TEXT;
ALTER TABLE request_summary ADD COLUMN vm_resize_power_cycle INTEGER;
ALTER TABLE request_summary ADD COLUMN vm_resize_at TEXT;
ALTER TABLE request_summary ADD COLUMN vm_drifted_at TEXT;
ALTER TABLE request_summary ADD COLUMN vm_snapshot_count INTEGER NOT NULL DEFAULT 0;
-- reserved for leases; nothing writes it yet
ALTER TABLE request_summary ADD COLUMN vm_expires_at TEXT;

-- the cron's deadline sweep across tenants; holds only VMs with a running action, so provisioning writes nothing here
CREATE INDEX request_summary_vm_actions ON request_summary (vm_action_deadline) WHERE vm_action_id IS NOT NULL;
-- the admins' resize queue; holds only resizes waiting for approval
CREATE INDEX request_summary_vm_resizes ON request_summary (tenant_id, vm_resize_at) WHERE vm_resize_approval_id IS NOT NULL;
