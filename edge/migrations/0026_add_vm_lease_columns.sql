-- A VM's lease on its request's summary row (issue 16), set only by the VM's lease events; vm_expires_at
-- (migration 0015) holds the lease's end. NULL before READY and for VMs from before leases.
-- active | grace | expired | ended | exempt (LeaseState in edge/src/provisioning/vm-lease.ts)
ALTER TABLE request_summary ADD COLUMN vm_lease_phase TEXT;
-- when the lease next needs the scheduler (a warning, the expiry, the end of grace); NULL when nothing is due
ALTER TABLE request_summary ADD COLUMN vm_lease_next_at TEXT;
-- hard: destroyed at this time unless extended or rescued
ALTER TABLE request_summary ADD COLUMN vm_lease_destroy_at TEXT;
-- an extension past the policy waiting for an admin (all NULL when none)
ALTER TABLE request_summary ADD COLUMN vm_extension_approval_id TEXT;
ALTER TABLE request_summary ADD COLUMN vm_extension_to TEXT;
ALTER TABLE request_summary ADD COLUMN vm_extension_by TEXT;
ALTER TABLE request_summary ADD COLUMN vm_extension_by_name TEXT;
ALTER TABLE request_summary ADD COLUMN vm_extension_reason TEXT;
ALTER TABLE request_summary ADD COLUMN vm_extension_at TEXT;

-- the lease sweep across tenants: only VMs with something due, so most rows are never in it
CREATE INDEX request_summary_vm_leases ON request_summary (vm_lease_next_at) WHERE vm_lease_next_at IS NOT NULL;
-- the admins' extension queue
CREATE INDEX request_summary_vm_extensions ON request_summary (tenant_id, vm_extension_at) WHERE vm_extension_approval_id IS NOT NULL;
