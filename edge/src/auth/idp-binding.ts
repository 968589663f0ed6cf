import type { Role } from "@gantry/shared/api/session";
import { err, ok, type Result } from "@gantry/shared/result";
import type { JWTPayload } from "jose";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { type BoundTenantIdentity, identitiesOfIssuer } from "../tenancy/tenant-onboarding.ts";

// Which tenant an IdP's access token speaks for, as its operator bound it at onboarding
// (`tenant_identity`): the token's issuer and the value of the binding's tenant claim name the tenant;
// the binding's roles claim lists the person's roles or groups.

/** The tenant a verified token belongs to, and the role its binding's roles claim gives. */
export interface BoundIdentity {
  tenantId: string;
  role: Role;
}

/** No binding names the token's issuer and tenant claim value: the token opens nothing. */
export interface UnboundToken {
  code: "UNBOUND_TENANT";
  detail: string;
}

export type TenantBinding = (
  issuer: string,
  claims: JWTPayload,
) => Promise<Result<BoundIdentity, UnboundToken>>;

/**
 * A claim's strings: a string, or the strings of an array. A name with dots that is not itself a claim
 * is a path into nested claims (Keycloak's `realm_access.roles`).
 */
export function claimStrings(claims: JWTPayload, name: string): string[] {
  let value: unknown = claims[name];
  if (value === undefined && name.includes(".")) {
    value = name
      .split(".")
      .reduce<unknown>(
        (node, key) =>
          node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined,
        claims,
      );
  }
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The binding the token's claims match, if exactly one does (two would be an ambiguous token). */
export function matchBinding(
  identities: readonly BoundTenantIdentity[],
  claims: JWTPayload,
): Result<BoundIdentity, UnboundToken> {
  const matches = identities.filter((b) => claimStrings(claims, b.tenantClaim).includes(b.tenantClaimValue));
  const [only] = matches;
  if (matches.length === 1 && only)
    return ok({
      tenantId: only.tenantId,
      role: roleFromGroups(claimStrings(claims, only.rolesClaim), only.adminGroups),
    });
  return err({
    code: "UNBOUND_TENANT",
    detail:
      matches.length > 1
        ? "the token's claims match more than one tenant of its identity provider"
        : identities.length === 0
          ? "no tenant is bound to this identity provider (issuer)"
          : "no tenant of this identity provider is bound to the token's tenant claim value",
  });
}

/** The stored bindings as a {@link TenantBinding}: one D1 read per verified token. */
export const tenantBindingIn =
  (db: SqlDatabase): TenantBinding =>
  async (issuer, claims) =>
    matchBinding(await identitiesOfIssuer(db, issuer), claims);

/** The role the IdP's roles/groups give: `admin`, or a group the tenant's admins mapped to admin. */
export const roleFromGroups = (groups: readonly string[], adminGroups: readonly string[]): Role =>
  groups.some((g) => g === "admin" || adminGroups.includes(g)) ? "admin" : "member";
