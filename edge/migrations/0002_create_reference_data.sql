-- Reference data the request workflow reads but does not event-source: tenants, their people,
-- projects and sites. Seeded locally by edge/local/seed.sql.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND length(slug) BETWEEN 1 AND 40),
  name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('member', 'admin'))
) WITHOUT ROWID;

-- A site is one vCenter reached through the tenant's agent pool. Placement (JSON matching `Placement`
-- in shared/src/jobs/provision-vm-job.ts) and the default network stay NULL until an admin picks them
-- from the agent's inventory; approving a request for an unconfigured site is refused.
CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  placement TEXT CHECK (placement IS NULL OR json_valid(placement)),
  network_path TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, slug)
) WITHOUT ROWID;

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  -- the VM is named `{vm_prefix}-{requested name}` in vCenter
  vm_prefix TEXT NOT NULL CHECK (vm_prefix GLOB '[a-z0-9]*' AND length(vm_prefix) BETWEEN 1 AND 15),
  site_id TEXT NOT NULL REFERENCES sites (id),
  UNIQUE (tenant_id, slug)
) WITHOUT ROWID;
