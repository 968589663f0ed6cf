-- Row economy of deliveries (issue 18's bench: D1 bills every index entry as a written row). A delivery
-- cost two rows when made, its key and the (tenant, time) index the log page and the minute sweep read.
-- Its id now starts with the tenant and the time (`deliveries.ts`, `deliveryId`), so the key itself is
-- in that order and the index goes.
--
-- A queue message still in flight carries the old id: it finds no row and is dropped. So every delivery
-- that may still have one is put back in the queue's hands through the minute sweep, which re-sends
-- `queued` rows: those queued, those waiting for the queue's delayed retry after a failed attempt, and
-- those whose sender's claim has run out. One a consumer is sending at this very moment may go out twice
-- (its "sent" mark names the old id); a webhook receiver that deduplicates on the id sees the new one.
-- Rows the old Worker writes between this migration and the new Worker keep the old form: they are still
-- sent (their messages name them), but the delivery log and the sweep do not list them.
DROP INDEX notification_deliveries_log;
UPDATE notification_deliveries SET id = tenant_id || '|' || created_at || '|' || id;
UPDATE notification_deliveries SET status = 'queued', claimed_until = NULL
  WHERE status = 'failed'
    OR (status = 'sending' AND claimed_until < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
