-- The audit page (issue 17) filters by who acted and by action, and shows whether a person acted through
-- an API token: the audit log keeps the actor's kind (user, token, agent, system) and the token's id.
ALTER TABLE audit_log ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'user';
ALTER TABLE audit_log ADD COLUMN token_id TEXT;

-- rows written before this migration take their actor's kind from their event's metadata
UPDATE audit_log SET actor_kind = COALESCE(
  (SELECT json_extract(e.metadata, '$.actorKind') FROM events e WHERE e.position = audit_log.position),
  'user'
);

-- "who did what": the actor filter's keyset pages (newest first within a tenant). One index only: each costs
-- a row written per audit entry (two per request, within the 40-row budget of
-- test/provisioning.rows-written.test.ts). The action, kind and time filters walk the tenant's entries by
-- position (the primary key) and the project filter goes through request_summary's key.
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor_id, position);
