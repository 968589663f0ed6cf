-- Who wants what (per person, kind and channel; a missing row means the kind's default) and the
-- tenant's webhooks (admins configure them). The webhook secret signs payloads, so it is stored as given:
-- the receiver must hold the same one. It is shown once, at creation.

CREATE TABLE notification_preferences (
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email')),
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  PRIMARY KEY (tenant_id, user_id, kind, channel)
) WITHOUT ROWID;

CREATE TABLE tenant_webhooks (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  format TEXT NOT NULL CHECK (format IN ('generic', 'slack', 'teams')),
  secret TEXT NOT NULL CHECK (length(secret) >= 32),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX tenant_webhooks_tenant ON tenant_webhooks (tenant_id);
