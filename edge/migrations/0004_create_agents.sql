-- Agents of a tenant site and their one-time enrollment tokens. Secrets are never stored:
-- only SHA-256 hashes of 256-bit random values (ASVS 6.5.2 allows a fast hash at that entropy).

CREATE TABLE agent_enrollment_tokens (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER,
  agent_id TEXT
);

CREATE INDEX agent_enrollment_tokens_site ON agent_enrollment_tokens (tenant_id, site_id);

CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  name TEXT NOT NULL,
  credential_hash TEXT NOT NULL UNIQUE,
  enrolled_with TEXT NOT NULL UNIQUE REFERENCES agent_enrollment_tokens (id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  version TEXT,
  -- presence, written by the site's AgentHub on connect and disconnect only
  connected INTEGER NOT NULL DEFAULT 0,
  connection_id TEXT,
  last_seen_at INTEGER
);

CREATE INDEX agents_site ON agents (tenant_id, site_id);
CREATE INDEX agents_connected ON agents (connected) WHERE connected = 1;
