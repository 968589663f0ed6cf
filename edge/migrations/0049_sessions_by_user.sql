-- The role an OIDC person's API token acts with is the one their newest session carries, live or ended
-- (sessions.ts, `latestSessionIdentity`): read on every request of such a token, it scanned every session
-- of every tenant. One more written row per sign-in, which is rare beside the token's requests.
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id, created_at);
