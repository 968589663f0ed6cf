-- Approval policies (issue 18): one row per tenant ('' project: the tenant's default) and per project that has
-- its own, with its ordered rules beside it. A project without a row takes the tenant's; a tenant without one
-- keeps one person's approval. The CHECKs are the zod schema's (ApprovalPolicy in
-- shared/src/domain/approval-policy.ts): at most 20 rules with ids unique in the policy, limits of 1 to a
-- million, an outcome of auto-approve or 1–2 approvals, a deadline (seconds, at most a year, with its reason)
-- only for a rule that waits for people.
CREATE TABLE approval_policies (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  project_id TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (tenant_id, project_id)
) WITHOUT ROWID;

CREATE TABLE approval_rules (
  tenant_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 19),
  rule_id TEXT NOT NULL CHECK (length(rule_id) BETWEEN 1 AND 40 AND rule_id NOT GLOB '*[^a-z0-9-]*' AND rule_id NOT GLOB '-*'),
  max_cpu INTEGER CHECK (max_cpu BETWEEN 1 AND 1000000),
  max_memory_gb INTEGER CHECK (max_memory_gb BETWEEN 1 AND 1000000),
  max_disk_gb INTEGER CHECK (max_disk_gb BETWEEN 1 AND 1000000),
  -- JSON arrays of size codes and of subjects ('new-vm', 'resize', 'lease-extension'); NULL: any
  sizes TEXT CHECK (sizes IS NULL OR (json_valid(sizes) AND json_type(sizes) = 'array' AND json_array_length(sizes) BETWEEN 1 AND 20)),
  subjects TEXT CHECK (subjects IS NULL OR (json_valid(subjects) AND json_type(subjects) = 'array' AND json_array_length(subjects) BETWEEN 1 AND 3)),
  outcome TEXT NOT NULL CHECK (outcome IN ('auto-approve', 'require-approvals')),
  approvals_required INTEGER NOT NULL CHECK (approvals_required BETWEEN 0 AND 2),
  deadline_seconds INTEGER CHECK (deadline_seconds BETWEEN 1 AND 31536000),
  deadline_reason TEXT CHECK (length(deadline_reason) BETWEEN 3 AND 300),
  PRIMARY KEY (tenant_id, project_id, position),
  UNIQUE (tenant_id, project_id, rule_id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES approval_policies (tenant_id, project_id) ON DELETE CASCADE,
  CHECK ((outcome = 'auto-approve') = (approvals_required = 0)),
  CHECK ((deadline_seconds IS NULL) = (deadline_reason IS NULL)),
  CHECK (outcome = 'require-approvals' OR deadline_seconds IS NULL)
) WITHOUT ROWID;
