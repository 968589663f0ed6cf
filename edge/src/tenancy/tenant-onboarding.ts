import type { SqlDatabase } from "../event-store/stored-event.ts";

// the tenant_identity table (migration 0020): read and written only here, plus the rows that make a new
// tenant (its `tenants` row and its first admin in `users`), each one statement so the operator's
// onboarding commits them with its event in one batch.

export interface TenantIdentity {
  tenantId: string;
  issuer: string;
  tenantClaim: string;
  tenantClaimValue: string;
  rolesClaim: string;
}

export interface NewTenant {
  tenantId: string;
  slug: string;
  name: string;
  identity: Omit<TenantIdentity, "tenantId">;
  admin: { userId: string; email: string; name: string };
  now: string;
}

/** Why a tenant cannot be onboarded as asked: its id/slug, its IdP binding or its admin's e-mail is taken. */
export type OnboardingConflict = "TENANT_EXISTS" | "IDENTITY_BOUND" | "ADMIN_EMAIL_TAKEN";

/** What of a new tenant is already on record, if anything (the batch's constraints guard the race). */
export async function onboardingConflict(
  db: SqlDatabase,
  tenant: NewTenant,
): Promise<OnboardingConflict | null> {
  const row = await db
    .prepare(
      `SELECT
         EXISTS (SELECT 1 FROM tenants WHERE id = ?1 OR slug = ?2) AS tenant,
         EXISTS (SELECT 1 FROM tenant_identity WHERE issuer = ?3 AND tenant_claim_value = ?4) AS identity,
         EXISTS (SELECT 1 FROM users WHERE id = ?5 OR email = ?6) AS admin`,
    )
    .bind(
      tenant.tenantId,
      tenant.slug,
      tenant.identity.issuer,
      tenant.identity.tenantClaimValue,
      tenant.admin.userId,
      tenant.admin.email,
    )
    .first<{ tenant: number; identity: number; admin: number }>();
  if (row?.tenant) return "TENANT_EXISTS";
  if (row?.identity) return "IDENTITY_BOUND";
  if (row?.admin) return "ADMIN_EMAIL_TAKEN";
  return null;
}

/** The tenant, its IdP binding and its first admin: three inserts, committed together. */
export function insertTenant(db: SqlDatabase, tenant: NewTenant): D1PreparedStatement[] {
  const { identity, admin } = tenant;
  return [
    db
      .prepare("INSERT INTO tenants (id, slug, name) VALUES (?, ?, ?)")
      .bind(tenant.tenantId, tenant.slug, tenant.name),
    db
      .prepare(
        `INSERT INTO tenant_identity (tenant_id, issuer, tenant_claim, tenant_claim_value, roles_claim, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        tenant.tenantId,
        identity.issuer,
        identity.tenantClaim,
        identity.tenantClaimValue,
        identity.rolesClaim,
        tenant.now,
      ),
    db
      .prepare("INSERT INTO users (id, tenant_id, email, name, role) VALUES (?, ?, ?, ?, 'admin')")
      .bind(admin.userId, tenant.tenantId, admin.email, admin.name),
  ];
}

/** How the tenant's people are recognised at its IdP; null for a tenant onboarded before bindings. */
export async function tenantIdentity(db: SqlDatabase, tenantId: string): Promise<TenantIdentity | null> {
  return db
    .prepare(
      `SELECT tenant_id AS tenantId, issuer, tenant_claim AS tenantClaim, tenant_claim_value AS tenantClaimValue,
         roles_claim AS rolesClaim
       FROM tenant_identity WHERE tenant_id = ?`,
    )
    .bind(tenantId)
    .first<TenantIdentity>();
}

/** A tenant's binding with the IdP groups its admins mapped to the admin role (idp_group_roles). */
export interface BoundTenantIdentity extends TenantIdentity {
  adminGroups: string[];
}

/**
 * Every tenant bound to an issuer (one IdP may serve many tenants, told apart by their claim values),
 * each with its admin groups: one read per verified token.
 */
export async function identitiesOfIssuer(db: SqlDatabase, issuer: string): Promise<BoundTenantIdentity[]> {
  const { results } = await db
    .prepare(
      `SELECT i.tenant_id AS tenantId, i.issuer, i.tenant_claim AS tenantClaim,
         i.tenant_claim_value AS tenantClaimValue, i.roles_claim AS rolesClaim,
         (SELECT json_group_array(g.group_value) FROM idp_group_roles g
          WHERE g.tenant_id = i.tenant_id AND g.role = 'admin') AS adminGroups
       FROM tenant_identity i WHERE i.issuer = ?`,
    )
    .bind(issuer)
    .all<TenantIdentity & { adminGroups: string }>();
  return results.map((r) => ({ ...r, adminGroups: JSON.parse(r.adminGroups) as string[] }));
}

// the idp_group_roles table (migration 0022): which of the IdP's groups (values of the binding's roles
// claim) give which role in the tenant; part of how its people are recognised, so owned here too.

export interface GroupRole {
  group: string;
  role: "admin" | "member";
}

/** The groups of the tenant's IdP that make an admin or a member, by group. */
export async function listGroupRoles(db: SqlDatabase, tenantId: string): Promise<GroupRole[]> {
  const { results } = await db
    .prepare(
      'SELECT group_value AS "group", role FROM idp_group_roles WHERE tenant_id = ? ORDER BY group_value',
    )
    .bind(tenantId)
    .all<GroupRole>();
  return results;
}

/** Maps a group to a role (null: the group gives nothing any more). */
export const setGroupRole = (
  db: SqlDatabase,
  input: { tenantId: string; group: string; role: GroupRole["role"] | null },
): D1PreparedStatement =>
  input.role === null
    ? db
        .prepare("DELETE FROM idp_group_roles WHERE tenant_id = ? AND group_value = ?")
        .bind(input.tenantId, input.group)
    : db
        .prepare(
          `INSERT INTO idp_group_roles (tenant_id, group_value, role) VALUES (?, ?, ?)
           ON CONFLICT (tenant_id, group_value) DO UPDATE SET role = excluded.role`,
        )
        .bind(input.tenantId, input.group, input.role);
