import { z } from "zod";
import type { QuotaAmounts, QuotaLimits } from "../domain/quota.ts";
import { QuotaLimits as Limits } from "../domain/quota.ts";
import { ProjectId } from "./ids.ts";

/** An admin sets the tenant's own quota (projectId null) or a project's; a null limit is unlimited. */
export const SetQuotaInput = z.object({ projectId: ProjectId.nullable(), limits: Limits }).strict();
export type SetQuotaInput = z.input<typeof SetQuotaInput>;

export const QuotaLeftInput = z.object({ projectId: ProjectId }).strict();

/**
 * One scope's quota and usage: `used` is what live VMs and approved or provisioning requests hold,
 * `requested` what pending requests would add (they hold nothing yet).
 */
export interface QuotaUsage {
  name: string;
  limits: QuotaLimits;
  used: QuotaAmounts;
  requested: QuotaAmounts;
}

/** The settings page: the tenant's own quota and each project's. */
export interface TenantQuotas {
  tenant: QuotaUsage;
  projects: (QuotaUsage & { projectId: string })[];
}

/** What the request form checks a size against: the project's quota and the tenant's. */
export interface QuotaLeft {
  project: QuotaUsage;
  tenant: QuotaUsage;
}
