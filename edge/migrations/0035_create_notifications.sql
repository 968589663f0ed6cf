-- Notifications (issue 19). The notifier (edge/src/notifications/notifier.ts) reads the event log after
-- its checkpoint and writes one inbox row per notification and recipient. The unique key makes a
-- re-read of the same events (a crash before the checkpoint moved, two runs at once) write nothing twice.

CREATE TABLE notifier_checkpoint (
  name TEXT PRIMARY KEY,
  -- the last event position whose notifications are written
  position INTEGER NOT NULL CHECK (position >= 0)
) WITHOUT ROWID;

CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  recipient_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
  -- the domain event (or the observation, for presence) it tells about
  source_key TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  body TEXT NOT NULL CHECK (length(body) <= 2000),
  -- an app path (`/requests/…`, `/vms/…`, `/admin/…`), never an absolute URL
  link TEXT CHECK (link IS NULL OR (substr(link, 1, 1) = '/' AND length(link) <= 300)),
  created_at TEXT NOT NULL,
  read_at TEXT,
  UNIQUE (source_key, kind, recipient_id)
);

CREATE INDEX notifications_inbox ON notifications (tenant_id, recipient_id, created_at);
CREATE INDEX notifications_unread ON notifications (tenant_id, recipient_id) WHERE read_at IS NULL;
