import type { LeasePolicies } from "@gantry/shared/api/leases";
import {
  DEFAULT_LEASE_POLICY,
  LeasePolicy,
  type LeasePolicySource,
} from "@gantry/shared/domain/lease-policy";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { listProjects } from "./projects.ts";

// The one owner of `lease_policies` (migration 0025): a tenant's default (project_id '') and each project's
// own. Every lookup is scoped by tenant.

const TENANT_ROW = "";

interface PolicyRow {
  project_id: string;
  initial_term_seconds: number;
  max_extension_seconds: number;
  max_total_seconds: number;
  grace_seconds: number;
  enforcement: string;
  warnings_seconds: string;
}

const COLUMNS =
  "project_id, initial_term_seconds, max_extension_seconds, max_total_seconds, grace_seconds, enforcement, warnings_seconds";

// the CHECKs hold the same rules, so a row that parses badly is a bug worth failing loudly on
const toPolicy = (row: PolicyRow): LeasePolicy =>
  LeasePolicy.parse({
    initialTermSeconds: row.initial_term_seconds,
    maxExtensionSeconds: row.max_extension_seconds,
    maxTotalSeconds: row.max_total_seconds,
    graceSeconds: row.grace_seconds,
    enforcement: row.enforcement,
    warningsSeconds: JSON.parse(row.warnings_seconds),
  });

export interface EffectiveLeasePolicy {
  policy: LeasePolicy;
  source: LeasePolicySource;
}

/** The policy a project's VMs get: the project's own, else the tenant's default, else the built-in one. */
export async function effectiveLeasePolicy(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<EffectiveLeasePolicy> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM lease_policies WHERE tenant_id = ? AND project_id IN (?, ?)`)
    .bind(scope.tenantId, scope.projectId, TENANT_ROW)
    .all<PolicyRow>();
  const own = results.find((r) => r.project_id === scope.projectId && r.project_id !== TENANT_ROW);
  if (own) return { policy: toPolicy(own), source: "project" };
  const tenant = results.find((r) => r.project_id === TENANT_ROW);
  if (tenant) return { policy: toPolicy(tenant), source: "tenant" };
  return { policy: DEFAULT_LEASE_POLICY, source: "default" };
}

/** The tenant's default and every project with the policy its VMs get, and where that comes from. */
export async function tenantLeasePolicies(db: SqlDatabase, tenantId: string): Promise<LeasePolicies> {
  const [{ results }, projects] = await Promise.all([
    db.prepare(`SELECT ${COLUMNS} FROM lease_policies WHERE tenant_id = ?`).bind(tenantId).all<PolicyRow>(),
    listProjects(db, tenantId),
  ]);
  const own = new Map(results.map((r) => [r.project_id, toPolicy(r)]));
  const tenant = own.get(TENANT_ROW);
  const tenantDefault = tenant
    ? { policy: tenant, source: "tenant" as const }
    : { policy: DEFAULT_LEASE_POLICY, source: "default" as const };
  return {
    tenantDefault,
    projects: projects.map((p) => {
      const policy = own.get(p.id);
      return policy
        ? { projectId: p.id, projectName: p.name, policy, source: "project" as const }
        : { projectId: p.id, projectName: p.name, ...tenantDefault };
    }),
  };
}

/** The write that sets (policy) or clears (null) the tenant's default or a project's own policy. */
export function leasePolicyWrite(
  db: SqlDatabase,
  input: { tenantId: string; projectId: string | null; policy: LeasePolicy | null; by: string; at: string },
): D1PreparedStatement {
  const projectId = input.projectId ?? TENANT_ROW;
  const { policy } = input;
  if (!policy)
    return db
      .prepare("DELETE FROM lease_policies WHERE tenant_id = ? AND project_id = ?")
      .bind(input.tenantId, projectId);
  return db
    .prepare(
      `INSERT INTO lease_policies (tenant_id, ${COLUMNS}, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, project_id) DO UPDATE SET
         initial_term_seconds = excluded.initial_term_seconds, max_extension_seconds = excluded.max_extension_seconds,
         max_total_seconds = excluded.max_total_seconds, grace_seconds = excluded.grace_seconds,
         enforcement = excluded.enforcement, warnings_seconds = excluded.warnings_seconds,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    )
    .bind(
      input.tenantId,
      projectId,
      policy.initialTermSeconds,
      policy.maxExtensionSeconds,
      policy.maxTotalSeconds,
      policy.graceSeconds,
      policy.enforcement,
      JSON.stringify(policy.warningsSeconds),
      input.at,
      input.by,
    );
}
