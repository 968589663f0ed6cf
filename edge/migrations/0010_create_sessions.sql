-- Browser sessions, owned by edge/src/auth/sessions.ts. The cookie carries a random 256-bit value; only
-- its SHA-256 is stored, so a copy of this table opens no session. Identity is a copy of what the IdP
-- (or the dev login) said, renewed at each revalidation; a session ends at logout, "sign out everywhere",
-- an admin's word, when the IdP refuses to renew it, or 8 hours after sign-in, whichever comes first.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL CHECK (length(user_id) BETWEEN 1 AND 255),
  email TEXT NOT NULL CHECK (length(email) <= 254),
  name TEXT NOT NULL CHECK (length(name) <= 200),
  role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
  source TEXT NOT NULL CHECK (source IN ('dev', 'oidc')),
  created_at INTEGER NOT NULL,
  -- the hard end, fixed at sign-in
  expires_at INTEGER NOT NULL,
  -- when the IdP is asked again (refresh grant); NULL for the dev login
  revalidate_at INTEGER,
  -- what the IdP granted (the access token's exp): past it, only a successful renewal lets the session on
  idp_expires_at INTEGER,
  -- the IdP's refresh token, AES-GCM encrypted with a key derived from SESSION_SECRET; NULL without one
  refresh_token TEXT,
  -- one renewal at a time across isolates: set while a request renews, or to back off after a failure
  renewing_until INTEGER,
  ended_at INTEGER,
  ended_reason TEXT
) WITHOUT ROWID;

-- "sign out everywhere" and an admin's "end sessions" find a person's live sessions; ended rows drop out
CREATE INDEX sessions_live_by_user ON sessions (tenant_id, user_id) WHERE ended_at IS NULL;
-- the minute sweep deletes sessions a day past their end
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
