-- A half-built VM that a failed provisioning could not remove stays in vCenter until someone deletes it
-- by hand: admins see it (the "needs attention" list) from the failure until one of them clears it.
-- Set only on that rare failure, so the common path writes nothing more.
ALTER TABLE request_summary ADD COLUMN leftover_at TEXT;
ALTER TABLE request_summary ADD COLUMN leftover_detail TEXT;

-- holds only the flagged rows, so it costs no writes on the common path
CREATE INDEX request_summary_leftovers ON request_summary (tenant_id, leftover_at) WHERE leftover_at IS NOT NULL;
