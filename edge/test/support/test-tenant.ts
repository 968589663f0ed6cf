import type { Principal } from "../../src/auth/principal.ts";
import { insertDefaultSizes } from "../../src/tenancy/vm-sizes.ts";

export interface TestTenant {
  tenantId: string;
  projectId: string;
  siteId: string;
  member: Principal;
  otherMember: Principal;
  admin: Principal;
  otherAdmin: Principal;
}

const PLACEMENT = JSON.stringify({
  datacenterPath: "/DC0",
  templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
  folderPath: "/DC0/vm",
  poolPath: "/DC0/host/DC0_C0/Resources",
});

/**
 * A fresh tenant with its own people, project and site, so list and queue assertions see only
 * what the test itself created, whatever other tests in the file wrote.
 */
export async function createTestTenant(
  db: D1Database,
  options: { placement?: boolean } = {},
): Promise<TestTenant> {
  const slug = `t${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const user = (name: string, role: "member" | "admin"): Principal => ({
    userId: `${slug}-${name}`,
    tenantId: slug,
    role,
    email: `${name}@${slug}.test`,
    name: `${name} of ${slug}`,
    via: "session",
  });
  const t: TestTenant = {
    tenantId: slug,
    projectId: `${slug}-proj`,
    siteId: `${slug}-site`,
    member: user("mia", "member"),
    otherMember: user("max", "member"),
    admin: user("ada", "admin"),
    otherAdmin: user("abe", "admin"),
  };
  await db.batch([
    db.prepare("INSERT INTO tenants (id, slug, name) VALUES (?, ?, ?)").bind(slug, slug, `Tenant ${slug}`),
    ...[t.member, t.otherMember, t.admin, t.otherAdmin].map((p) =>
      db
        .prepare("INSERT INTO users (id, tenant_id, email, name, role) VALUES (?, ?, ?, ?, ?)")
        .bind(p.userId, slug, p.email, p.name, p.role),
    ),
    db
      .prepare(
        "INSERT INTO sites (id, tenant_id, slug, name, placement, network_path, updated_at) VALUES (?, ?, 'lab', 'Lab', ?, ?, ?)",
      )
      .bind(
        t.siteId,
        slug,
        options.placement === false ? null : PLACEMENT,
        "/DC0/network/DC0_DVPG0",
        "2026-01-01T00:00:00.000Z",
      ),
    db
      .prepare(
        "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, 'app', 'App', 'app', ?)",
      )
      .bind(t.projectId, slug, t.siteId),
    // the default catalogue onboarding gives every tenant
    ...insertDefaultSizes(db, { tenantId: slug, now: "2026-01-01T00:00:00.000Z" }),
  ]);
  return t;
}
