-- Destroying an unowned marker VM (issue 16): the job that destroys it while it runs, so the reconciliation
-- page says "destroying" (one owner: edge/src/projections/reconciliation-projection.ts). A scan rewrites the
-- site's rows, so a destruction still running after a scan shows again as a plain row; asking again finds
-- the running job (the destruction's stream), never a second one.
ALTER TABLE unowned_vms ADD COLUMN destroy_job_id TEXT
  CHECK (destroy_job_id IS NULL OR length(destroy_job_id) BETWEEN 1 AND 100);
