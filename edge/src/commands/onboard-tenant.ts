import type { OnboardedTenant, OnboardTenant } from "@gantry/shared/api/onboarding";
import { err, ok, type Result } from "@gantry/shared/result";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { streamIds } from "../event-store/stored-event.ts";
import {
  insertTenant,
  type NewTenant,
  type OnboardingConflict,
  onboardingConflict,
} from "../tenancy/tenant-onboarding.ts";
import { insertDefaultSizes } from "../tenancy/vm-sizes.ts";
import type { CommandDeps } from "./command-deps.ts";
import { recordTenancyEvent, type TenancyActor } from "./record-tenancy-event.ts";

export type OnboardingError = { code: OnboardingConflict } | { code: "CONCURRENT_MODIFICATION" };

/** The operator path acts for no tenant's person: it is named as the system in the audit trail. */
export const OPERATOR_ACTOR: TenancyActor = { kind: "system", id: "operator", name: "Gantry operator" };

/**
 * Onboards a tenant: its row, its binding to its identity provider and its first admin, committed in one
 * batch with `TenantOnboarded`. The tenant's id is its slug. Everything else (sites, projects, people,
 * approvers) its admins then do in the settings area. The local seed goes through here too.
 */
export async function onboardTenant(
  deps: CommandDeps,
  input: OnboardTenant,
): Promise<Result<OnboardedTenant, OnboardingError>> {
  const tenantId = input.slug;
  const tenant: NewTenant = {
    tenantId,
    slug: input.slug,
    name: input.name,
    identity: {
      issuer: input.identity.issuer,
      tenantClaim: input.identity.tenantClaim,
      tenantClaimValue: input.identity.tenantClaimValue ?? input.slug,
      rolesClaim: input.identity.rolesClaim,
    },
    admin: {
      userId: input.admin.subject ?? `${tenantId}-admin-${deps.newId()}`,
      email: input.admin.email.toLowerCase(),
      name: input.admin.name,
    },
    now: deps.clock().toISOString(),
  };
  const conflict = await onboardingConflict(deps.db, tenant);
  if (conflict) return err({ code: conflict });
  try {
    const recorded = await recordTenancyEvent(deps, {
      tenantId,
      streamId: streamIds.tenant(tenantId),
      event: {
        type: "TenantOnboarded",
        data: {
          tenantId,
          slug: tenant.slug,
          name: tenant.name,
          ...tenant.identity,
          adminUserId: tenant.admin.userId,
          adminEmail: tenant.admin.email,
        },
      },
      actor: OPERATOR_ACTOR,
      // the tenant starts with the default size catalogue (S/M/L/XL), its admins add their own
      sideEffects: [
        ...insertTenant(deps.db, tenant),
        ...insertDefaultSizes(deps.db, { tenantId, now: tenant.now }),
      ],
    });
    if (!recorded.ok) return err({ code: "CONCURRENT_MODIFICATION" });
  } catch (error) {
    // a constraint refused the batch: another onboarding took the tenant, binding or e-mail meanwhile
    const raced =
      error instanceof EventStoreUnavailableError ? await onboardingConflict(deps.db, tenant) : null;
    if (raced) return err({ code: raced });
    throw error;
  }
  return ok({ tenantId, adminUserId: tenant.admin.userId });
}
