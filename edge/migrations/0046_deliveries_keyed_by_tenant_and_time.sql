-- Row economy of deliveries (issue 18's bench: D1 bills every index entry as a written row). A delivery
-- cost two rows when made, its key and the (tenant, time) index the log page and the minute sweep read.
-- Its id now starts with the tenant and the time (`deliveries.ts`, `deliveryId`), so the key itself is
-- in that order and the index goes. A queue message still in flight with an old id finds no row and is
-- dropped; its row, queued under the new id, is sent again by the minute sweep.
DROP INDEX notification_deliveries_log;
UPDATE notification_deliveries SET id = tenant_id || '|' || created_at || '|' || id;
