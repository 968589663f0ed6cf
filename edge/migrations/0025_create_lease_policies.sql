-- Lease policies (issue 16): one row per tenant ('' project: the tenant's default) and per project that has
-- its own. A project without a row takes the tenant's; a tenant without one, DEFAULT_LEASE_POLICY
-- (shared/src/domain/lease-policy.ts). The CHECKs are the zod schema's (LeasePolicy): durations in seconds,
-- at most ten years, the initial term and one extension within the total life, at most four warnings.
CREATE TABLE lease_policies (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  project_id TEXT NOT NULL DEFAULT '',
  initial_term_seconds INTEGER NOT NULL CHECK (initial_term_seconds BETWEEN 1 AND 315360000),
  max_extension_seconds INTEGER NOT NULL CHECK (max_extension_seconds BETWEEN 1 AND 315360000),
  max_total_seconds INTEGER NOT NULL CHECK (max_total_seconds BETWEEN 1 AND 315360000),
  grace_seconds INTEGER NOT NULL CHECK (grace_seconds BETWEEN 0 AND 315360000),
  enforcement TEXT NOT NULL CHECK (enforcement IN ('hard', 'soft')),
  warnings_seconds TEXT NOT NULL CHECK (
    json_valid(warnings_seconds) AND json_type(warnings_seconds) = 'array' AND json_array_length(warnings_seconds) <= 4
  ),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (tenant_id, project_id),
  CHECK (initial_term_seconds <= max_total_seconds),
  CHECK (max_extension_seconds <= max_total_seconds)
) WITHOUT ROWID;
