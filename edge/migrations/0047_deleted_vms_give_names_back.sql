-- A deleted VM gives its name back (vm-names.ts), as a rejected, cancelled or failed request always did:
-- until now a project could not have a new VM of a deleted one's name. The names deleted VMs still hold
-- are freed here, so the live table is what a rebuild writes.
-- A VM deleted between this migration and the new Worker (migrations run first) still keeps its name; a
-- later migration can repeat this statement to free it.
DELETE FROM vm_names WHERE (tenant_id, request_id) IN
  (SELECT tenant_id, request_id FROM request_summary WHERE vm_status = 'DELETED');
