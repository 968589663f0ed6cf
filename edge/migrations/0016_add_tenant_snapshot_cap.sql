-- A tenant's own cap on snapshots per VM (issue 15); NULL: the deployment's VM_SNAPSHOT_CAP, else 3.
ALTER TABLE tenants ADD COLUMN vm_snapshot_cap INTEGER CHECK (vm_snapshot_cap IS NULL OR vm_snapshot_cap BETWEEN 0 AND 32);
