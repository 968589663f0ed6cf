-- Delivery of notifications beyond the inbox (e-mail, webhooks) through the NOTIFICATIONS queue. One row
-- per notification and channel target; its id is the idempotency key every queue message carries, so a
-- redelivered message finds the row already `sent` and sends nothing.

CREATE TABLE notification_deliveries (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  -- an e-mail address, or a tenant webhook's id
  target TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 320),
  kind TEXT NOT NULL,
  source_key TEXT NOT NULL,
  -- what is sent, fixed when the notification was made (JSON of the rendered notification)
  content TEXT NOT NULL CHECK (json_valid(content) AND length(content) <= 16384),
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT CHECK (last_error IS NULL OR length(last_error) <= 500),
  -- a consumer that claimed the row owns it until then; after it, a redelivery may claim it again
  claimed_until INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT
) WITHOUT ROWID;

CREATE INDEX notification_deliveries_log ON notification_deliveries (tenant_id, created_at);
