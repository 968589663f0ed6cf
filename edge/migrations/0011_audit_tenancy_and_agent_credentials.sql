-- The audit log also records a tenant's own facts (sites, agents, enrollment tokens, people), which belong
-- to no request: request_id becomes optional, and `subject` names what each entry is about
-- (`request:<id>`, `site:<id>`, `agent:<id>`, `user:<id>`). SQLite cannot drop NOT NULL in place, so the
-- table is rebuilt (it is a projection: `npm run rebuild-projections` could refill it from the log too).
CREATE TABLE audit_log_new (
  tenant_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT,
  action TEXT NOT NULL,
  request_id TEXT,
  subject TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (tenant_id, position)
) WITHOUT ROWID;

INSERT INTO audit_log_new (tenant_id, position, occurred_at, actor_id, actor_name, action, request_id, subject, summary)
SELECT tenant_id, position, occurred_at, actor_id, actor_name, action, request_id, 'request:' || request_id, summary
FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;

-- An unused enrollment token can be withdrawn before it expires; a withdrawn one enrolls nothing.
ALTER TABLE agent_enrollment_tokens ADD COLUMN revoked_at INTEGER;
ALTER TABLE agent_enrollment_tokens ADD COLUMN revoked_by TEXT;

-- Credential rotation (`gantry-agent rotate`): the new credential's hash waits here until the agent first
-- connects with it, then replaces credential_hash (so a lost answer to the rotation locks nobody out).
ALTER TABLE agents ADD COLUMN next_credential_hash TEXT;
