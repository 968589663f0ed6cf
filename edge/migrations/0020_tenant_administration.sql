-- Tenant administration without SQL (issue 17): onboarding binds a tenant to its identity provider,
-- projects and sites can be archived (never deleted: requests and agents refer to them), a project has a
-- default network, and a person may approve the requests of the projects they are named approver of.

-- How a tenant's people are recognised at its IdP: tokens from `issuer` whose `tenant_claim` holds
-- `tenant_claim_value` belong to the tenant, and `roles_claim` lists their roles/groups. One binding per
-- tenant; one (issuer, value) pair names one tenant.
CREATE TABLE tenant_identity (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
  issuer TEXT NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
  tenant_claim TEXT NOT NULL CHECK (length(tenant_claim) BETWEEN 1 AND 100),
  tenant_claim_value TEXT NOT NULL CHECK (length(tenant_claim_value) BETWEEN 1 AND 100),
  roles_claim TEXT NOT NULL CHECK (length(roles_claim) BETWEEN 1 AND 100),
  created_at TEXT NOT NULL,
  UNIQUE (issuer, tenant_claim_value)
) WITHOUT ROWID;

-- NULL: live; else when an admin archived it (it no longer takes requests, history still names it)
ALTER TABLE projects ADD COLUMN archived_at TEXT;
-- the network a request gets when it names none; NULL: the site's default network
ALTER TABLE projects ADD COLUMN network_path TEXT;
ALTER TABLE sites ADD COLUMN archived_at TEXT;
-- the prefix names the project's VMs in vCenter: two projects sharing one would mix their VMs
CREATE UNIQUE INDEX projects_vm_prefix ON projects (tenant_id, vm_prefix);

-- A person named approver of a project approves (and rejects) its requests, never their own.
CREATE TABLE project_approvers (
  tenant_id TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES projects (id),
  user_id TEXT NOT NULL REFERENCES users (id),
  PRIMARY KEY (tenant_id, project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_approvers_by_user ON project_approvers (tenant_id, user_id);
