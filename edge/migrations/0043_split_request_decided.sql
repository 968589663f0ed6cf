-- `request.decided` becomes `request.approved` (inbox only by default: READY or FAILED follows within
-- minutes, so a requester is e-mailed once per outcome) and `request.rejected` (e-mailed by default).
-- A person's explicit choice for the old kind carries over to both; recorded notifications and
-- deliveries get the kind their words say (the rule wrote "... was rejected" or "... was approved").
-- The old preference rows stay: migrations run before the new Worker replaces the old one, which reads
-- them until then (this code ignores a kind it does not know); a later migration may drop them. A row the
-- old Worker writes in between is mapped by its words when read (edge/src/notifications/inbox.ts).

INSERT OR IGNORE INTO notification_preferences (tenant_id, user_id, kind, channel, enabled)
SELECT tenant_id, user_id, 'request.approved', channel, enabled FROM notification_preferences
WHERE kind = 'request.decided';

INSERT OR IGNORE INTO notification_preferences (tenant_id, user_id, kind, channel, enabled)
SELECT tenant_id, user_id, 'request.rejected', channel, enabled FROM notification_preferences
WHERE kind = 'request.decided';

UPDATE notifications
SET kind = CASE WHEN title LIKE '% was rejected' THEN 'request.rejected' ELSE 'request.approved' END
WHERE kind = 'request.decided';

UPDATE notification_deliveries
SET kind = CASE
  WHEN json_extract(content, '$.title') LIKE '% was rejected' THEN 'request.rejected'
  ELSE 'request.approved'
END
WHERE kind = 'request.decided';
