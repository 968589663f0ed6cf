import type { QuotaLeft, TenantQuotas } from "@gantry/shared/api/quotas";
import { UNLIMITED } from "@gantry/shared/domain/quota";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { getProject, listProjects } from "../tenancy/projects.ts";
import { quotasOf, TENANT_QUOTA_ROW, tenantQuotas } from "../tenancy/quotas.ts";
import { getTenant } from "../tenancy/tenants.ts";
import { NO_USAGE, tenantUsage } from "./quota-usage.ts";

/** The settings page: the tenant's quota and every live project's, each with used and requested. */
export async function tenantQuotaUsage(db: SqlDatabase, tenantId: string): Promise<TenantQuotas> {
  const [tenant, projects, limits, usage] = await Promise.all([
    getTenant(db, tenantId),
    listProjects(db, tenantId),
    tenantQuotas(db, tenantId),
    tenantUsage(db, tenantId),
  ]);
  return {
    tenant: {
      name: tenant?.name ?? tenantId,
      limits: limits.get(TENANT_QUOTA_ROW) ?? UNLIMITED,
      ...usage.tenant,
    },
    projects: projects.map((p) => ({
      projectId: p.id,
      name: p.name,
      limits: limits.get(p.id) ?? UNLIMITED,
      ...(usage.projects.get(p.id) ?? NO_USAGE),
    })),
  };
}

/** What the request form checks a size against; null for a project the tenant does not have. */
export async function quotaLeft(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<QuotaLeft | null> {
  const [tenant, project, limits, usage] = await Promise.all([
    getTenant(db, scope.tenantId),
    getProject(db, scope),
    quotasOf(db, scope),
    tenantUsage(db, scope.tenantId),
  ]);
  if (!tenant || !project) return null;
  return {
    project: { name: project.name, limits: limits.project, ...(usage.projects.get(project.id) ?? NO_USAGE) },
    tenant: { name: tenant.name, limits: limits.tenant, ...usage.tenant },
  };
}
