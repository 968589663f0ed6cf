-- Slugs go into every provisioning job (`tenantSlug`, `projectSlug`, the VM name's prefix) and become
-- folder names in vCenter; the job schema (shared/src/domain/slug.ts) allows 1–40 lowercase letters,
-- digits and hyphens. The checks of 0002 tested only the first character (`GLOB '[a-z0-9]*'`) and
-- projects' slugs not at all, so a tenant `acme_corp` was accepted here and refused by the agent hub.
--
-- SQLite cannot alter a CHECK: both tables are rebuilt, keeping every row. A slug the new check would
-- refuse is first rewritten the way people usually meant it (lower case; `_`, space and `.` as `-`);
-- anything still invalid after that fails this migration loudly rather than being guessed at.
-- Foreign keys (users, sites, projects → tenants) are checked at commit, after the rename.
PRAGMA defer_foreign_keys = on;

CREATE TABLE tenants_checked (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE
    CHECK (length(slug) BETWEEN 1 AND 40 AND slug NOT GLOB '*[^a-z0-9-]*'),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200)
) WITHOUT ROWID;

INSERT INTO tenants_checked (id, slug, name)
SELECT id, lower(replace(replace(replace(slug, '_', '-'), ' ', '-'), '.', '-')), name FROM tenants;

DROP TABLE tenants;
ALTER TABLE tenants_checked RENAME TO tenants;

CREATE TABLE projects_checked (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 40 AND slug NOT GLOB '*[^a-z0-9-]*'),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- the VM is named `{vm_prefix}-{requested name}` in vCenter
  vm_prefix TEXT NOT NULL
    CHECK (length(vm_prefix) BETWEEN 1 AND 15 AND vm_prefix GLOB '[a-z0-9]*' AND vm_prefix NOT GLOB '*[^a-z0-9-]*'),
  site_id TEXT NOT NULL REFERENCES sites (id),
  UNIQUE (tenant_id, slug)
) WITHOUT ROWID;

INSERT INTO projects_checked (id, tenant_id, slug, name, vm_prefix, site_id)
SELECT id, tenant_id, lower(replace(replace(replace(slug, '_', '-'), ' ', '-'), '.', '-')), name,
  lower(replace(replace(replace(vm_prefix, '_', '-'), ' ', '-'), '.', '-')), site_id
FROM projects;

DROP TABLE projects;
ALTER TABLE projects_checked RENAME TO projects;
