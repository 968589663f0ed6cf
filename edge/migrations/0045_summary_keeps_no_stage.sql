-- Row economy (issue 18's bench): the request summary no longer follows each provisioning stage, a
-- written row per stage that only the request page read, and it reads the stage history beside it. The
-- row says READY (and when) once the VM is; a rebuild leaves every other row without a stage, so the
-- live rows are made the same here.
-- Between this migration and the new Worker the old one still writes stages: a rebuild then reports
-- those few rows as different in `stage` only.
UPDATE request_summary SET stage = NULL, stage_at = NULL WHERE stage IS NOT NULL AND status <> 'READY';
