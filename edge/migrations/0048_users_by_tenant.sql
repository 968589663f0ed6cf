-- A tenant's people and its admins (recipients.ts: every notification to admins, and the approvers of
-- projects without named ones; users.ts: the people page, the last-admin check) were read by scanning
-- every user of every tenant. One index entry per person, written when a person is added or their role
-- changes: both rare.
CREATE INDEX users_by_tenant ON users (tenant_id, role);
