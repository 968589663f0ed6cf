-- Local and test demo data, applied after the demo tenants were onboarded through the operator path
-- (`POST /ops/tenants` with edge/local/tenants.json: the tenants, their IdP binding and first admins Adam
-- and Gary). Safe to apply any number of times: people and projects are upserted, sites are only
-- inserted so placement edited through the UI survives a re-seed. Both sites point at VCSIM's default
-- inventory. A tenant of your own needs none of this: onboard it, then use its settings area.

INSERT INTO users (id, tenant_id, email, name, role) VALUES
  ('user-alice', 'acme', 'alice@acme.test', 'Alice Member', 'member'),
  -- Sam is the person whose sessions the browser tests end (e2e/browser/sessions.test.ts): nothing else
  -- signs in as Sam, so ending them never signs out a test running beside it
  ('user-sam', 'acme', 'sam@acme.test', 'Sam Member', 'member'),
  -- Pat is named a project approver by the browser settings test (e2e/browser/settings.test.ts) alone, so
  -- no other test's navigation or queue changes with it
  ('user-pat', 'acme', 'pat@acme.test', 'Pat Member', 'member'),
  -- Nora's inbox is what the browser tests of notifications read (e2e/browser/notifications.test.ts):
  -- nothing else signs in as Nora or decides about her requests, so her unread count is exact
  ('user-nora', 'acme', 'nora@acme.test', 'Nora Member', 'member'),
  ('user-gina', 'globex', 'gina@globex.test', 'Gina Member', 'member')
ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, email = excluded.email, name = excluded.name, role = excluded.role;

INSERT OR IGNORE INTO sites (id, tenant_id, slug, name, placement, network_path, updated_at) VALUES
  ('site-acme-vcsim', 'acme', 'vcsim', 'Acme lab (VCSIM)', '{"datacenterPath":"/DC0","templatePath":"/DC0/vm/ubuntu-22.04-tmpl","folderPath":"/DC0/vm","poolPath":"/DC0/host/DC0_C0","datastorePath":"/DC0/datastore/LocalDS_0"}', '/DC0/network/DC0_DVPG0', '2026-01-01T00:00:00.000Z'),
  ('site-globex-vcsim', 'globex', 'vcsim', 'Globex lab (VCSIM)', '{"datacenterPath":"/DC0","templatePath":"/DC0/vm/ubuntu-22.04-tmpl","folderPath":"/DC0/vm","poolPath":"/DC0/host/DC0_C0","datastorePath":"/DC0/datastore/LocalDS_0"}', '/DC0/network/DC0_DVPG0', '2026-01-01T00:00:00.000Z');

INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES
  ('proj-acme-web', 'acme', 'web', 'Web', 'web', 'site-acme-vcsim'),
  ('proj-acme-data', 'acme', 'data', 'Data', 'data', 'site-acme-vcsim'),
  ('proj-globex-shop', 'globex', 'shop', 'Shop', 'shop', 'site-globex-vcsim'),
  ('proj-globex-analytics', 'globex', 'analytics', 'Analytics', 'bi', 'site-globex-vcsim')
ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, slug = excluded.slug, name = excluded.name, vm_prefix = excluded.vm_prefix, site_id = excluded.site_id;

-- Leases (issue 16): Acme's Data project has a short lease so a developer can watch a VM expire — 10
-- minutes, warnings at 5 and 1 minute, powered off at expiry, deleted 2 minutes later (the local stack
-- fires the cron every minute). Inserted only once, like the sites, so an admin's edit at /admin/leases
-- survives a re-seed; the other projects follow Gantry's default (30 days, hard, 7 days' grace).
INSERT OR IGNORE INTO lease_policies (tenant_id, project_id, initial_term_seconds, max_extension_seconds,
    max_total_seconds, grace_seconds, enforcement, warnings_seconds, updated_at, updated_by) VALUES
  ('acme', 'proj-acme-data', 600, 600, 3600, 120, 'hard', '[300,60]', '2026-01-01T00:00:00.000Z', 'seed');
