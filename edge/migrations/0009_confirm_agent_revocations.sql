-- A revocation is two steps: D1 first (the credential stops working at once), then the site's AgentHub
-- (which closes the agent's open socket and takes its jobs back). When the second step fails, the agent
-- is revoked but may still be connected; until the hub confirms, the revocation is retried (by the next
-- agents list and by the minute sweep) and the agents page keeps offering Revoke. NULL while unconfirmed.
ALTER TABLE agents ADD COLUMN revoke_confirmed_at INTEGER;

-- revoked agents whose hub has not confirmed yet: few rows, so the index stays small
CREATE INDEX agents_revocations_unconfirmed ON agents (tenant_id)
  WHERE revoked_at IS NOT NULL AND revoke_confirmed_at IS NULL;
