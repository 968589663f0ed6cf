-- Row economy of the inbox (issue 18's bench: D1 bills every index entry as a written row). A notification
-- cost five rows: the table row, its `id` key, UNIQUE(source_key, kind, recipient_id) — the same triple the
-- id is made of — and two indexes. Now it costs two: the table is keyed by what the inbox lists in
-- (tenant, recipient, time, id: `listInbox` reads the key in order), plus the unread index, which also finds
-- the rows `markRead` changes. A re-read of the same events still writes nothing twice: the id and its time
-- (the event's) are the same, so the key collides.
CREATE TABLE notifications_keyed (
  id TEXT NOT NULL,
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
  PRIMARY KEY (tenant_id, recipient_id, created_at, id)
) WITHOUT ROWID;

INSERT INTO notifications_keyed (id, tenant_id, recipient_id, kind, source_key, title, body, link, created_at, read_at)
SELECT id, tenant_id, recipient_id, kind, source_key, title, body, link, created_at, read_at FROM notifications;

DROP TABLE notifications;
ALTER TABLE notifications_keyed RENAME TO notifications;

CREATE INDEX notifications_unread ON notifications (tenant_id, recipient_id) WHERE read_at IS NULL;
