-- The size catalogue per tenant (issue 17): S/M/L/XL by default, custom sizes added by its admins. A size
-- a request named is never deleted (history renders it): it is retired, and then no longer offered. The
-- CHECKs are the shared schemas' bounds (shared/src/domain/vm-size.ts, shared/src/api/sizes.ts).
CREATE TABLE vm_sizes (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  code TEXT NOT NULL CHECK (
    length(code) BETWEEN 1 AND 16
    AND code NOT GLOB '*[^A-Za-z0-9._-]*'
    AND substr(code, 1, 1) GLOB '[A-Za-z0-9]'
  ),
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
  cpu INTEGER NOT NULL CHECK (typeof(cpu) = 'integer' AND cpu BETWEEN 1 AND 128),
  memory_gb INTEGER NOT NULL CHECK (typeof(memory_gb) = 'integer' AND memory_gb BETWEEN 1 AND 4096),
  disk_gb INTEGER NOT NULL CHECK (typeof(disk_gb) = 'integer' AND disk_gb BETWEEN 1 AND 65536),
  -- the order the request form lists sizes in: the defaults first, then as admins added them
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  -- NULL: offered; else when an admin retired it
  retired_at TEXT,
  PRIMARY KEY (tenant_id, code)
) WITHOUT ROWID;

-- every tenant on record starts with the default catalogue (new tenants get it at onboarding)
INSERT INTO vm_sizes (tenant_id, code, label, cpu, memory_gb, disk_gb, position, created_at)
SELECT t.id, d.code, d.label, d.cpu, d.memory_gb, d.disk_gb, d.position, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM tenants t
CROSS JOIN (
  SELECT 'S' AS code, 'Small' AS label, 2 AS cpu, 4 AS memory_gb, 50 AS disk_gb, 1 AS position
  UNION ALL SELECT 'M', 'Medium', 4, 8, 100, 2
  UNION ALL SELECT 'L', 'Large', 8, 16, 200, 3
  UNION ALL SELECT 'XL', 'Extra large', 16, 32, 500, 4
) d;
