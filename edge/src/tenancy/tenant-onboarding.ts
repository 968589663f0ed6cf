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

/** Every tenant bound to an issuer (one IdP may serve many tenants, told apart by their claim values). */
export async function identitiesOfIssuer(db: SqlDatabase, issuer: string): Promise<TenantIdentity[]> {
  const { results } = await db
    .prepare(
      `SELECT tenant_id AS tenantId, issuer, tenant_claim AS tenantClaim, tenant_claim_value AS tenantClaimValue,
         roles_claim AS rolesClaim
       FROM tenant_identity WHERE issuer = ?`,
    )
    .bind(issuer)
    .all<TenantIdentity>();
  return results;
}
