-- Local and test reference data. Safe to apply any number of times: people and projects are upserted,
-- sites are only inserted so placement edited through the UI survives a re-seed.
-- Both sites point at VCSIM's default inventory.

INSERT INTO tenants (id, slug, name) VALUES
  ('acme', 'acme', 'Acme Corp'),
  ('globex', 'globex', 'Globex Corporation')
ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name;

INSERT INTO users (id, tenant_id, email, name, role) VALUES
  ('user-alice', 'acme', 'alice@acme.test', 'Alice Member', 'member'),
  ('user-adam', 'acme', 'adam@acme.test', 'Adam Admin', 'admin'),
  -- Sam is the person whose sessions the browser tests end (e2e/browser/sessions.test.ts): nothing else
  -- signs in as Sam, so ending them never signs out a test running beside it
  ('user-sam', 'acme', 'sam@acme.test', 'Sam Member', 'member'),
  -- Nora's inbox is what the browser tests of notifications read (e2e/browser/notifications.test.ts):
  -- nothing else signs in as Nora or decides about her requests, so her unread count is exact
  ('user-nora', 'acme', 'nora@acme.test', 'Nora Member', 'member'),
  ('user-gina', 'globex', 'gina@globex.test', 'Gina Member', 'member'),
  ('user-gary', 'globex', 'gary@globex.test', 'Gary Admin', 'admin')
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
