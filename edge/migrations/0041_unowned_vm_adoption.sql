-- Adopting an unowned marker VM into a project (issue 16): the adoption's job while it runs, so the
-- reconciliation page says "adopting" (one owner: edge/src/projections/reconciliation-projection.ts). Done →
-- the row leaves; failed → the column is cleared and the row is listed again.
ALTER TABLE unowned_vms ADD COLUMN adopt_job_id TEXT
  CHECK (adopt_job_id IS NULL OR length(adopt_job_id) BETWEEN 1 AND 100);
