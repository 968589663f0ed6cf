-- Personal API tokens (issue 17): a person's credential for scripts, `Authorization: Bearer gpt_…` on /trpc.
-- Only the SHA-256 of the secret is kept (hex, unique: a use is one lookup by it). Scopes are a JSON array
-- of read/request/approve/admin; a token never exceeds its owner's current role, which is read at each use.
-- Tokens are revoked, never deleted: the audit trail names them. Times are ms since the epoch.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY CHECK (id GLOB 'tok_*'),
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  owner_id TEXT NOT NULL,
  owner_name TEXT NOT NULL,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  scopes TEXT NOT NULL CHECK (json_valid(scopes) AND json_array_length(scopes) >= 1),
  secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  -- written at most once a minute per token (see auth/api-tokens.ts), to keep D1 writes small
  last_used_at INTEGER,
  revoked_at INTEGER,
  revoked_by TEXT
) WITHOUT ROWID;

-- a person's own tokens, and an admin's list of the tenant's
CREATE INDEX api_tokens_by_owner ON api_tokens (tenant_id, owner_id, created_at);
