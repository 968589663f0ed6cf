import { z } from "zod";
import { Slug } from "../domain/slug.ts";
import { DisplayName } from "./settings.ts";

/**
 * What an operator sends to `POST /ops/tenants` (or `npm run ops -- create-tenant`): the tenant, how its
 * identity provider names it, and its first admin.
 */
export const OnboardTenantInput = z
  .object({
    /** the tenant's id and slug (a folder name in vCenter) */
    slug: Slug,
    name: DisplayName,
    identity: z
      .object({
        /** the IdP's issuer (`iss`) */
        issuer: z.string().url().max(500),
        /** which access-token claim carries the tenant */
        tenantClaim: z.string().min(1).max(100).default("tenant"),
        /** the value of that claim for this tenant; the slug when omitted */
        tenantClaimValue: z.string().min(1).max(100).optional(),
        /** which claim carries roles/groups (`admin` makes an admin) */
        rolesClaim: z.string().min(1).max(100).default("roles"),
      })
      .strict(),
    admin: z
      .object({
        email: z.string().email().max(254),
        name: DisplayName,
        /** the IdP subject (`sub`); the user id when given */
        subject: z.string().min(1).max(255).optional(),
      })
      .strict(),
  })
  .strict();
export type OnboardTenantInput = z.input<typeof OnboardTenantInput>;
/** The input after defaults: what the onboarding use case works with. */
export type OnboardTenant = z.output<typeof OnboardTenantInput>;

export interface OnboardedTenant {
  tenantId: string;
  adminUserId: string;
}
