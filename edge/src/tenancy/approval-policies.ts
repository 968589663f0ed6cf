import type { ApprovalPolicies } from "@gantry/shared/api/approval-policies";
import { ApprovalPolicy, type ApprovalRule } from "@gantry/shared/domain/approval-policy";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { listProjects } from "./projects.ts";

// The one owner of `approval_policies` and `approval_rules` (migration 0033): a tenant's default
// (project_id '') and each project's own, its rules in order. Every lookup is scoped by tenant.

const TENANT_ROW = "";

interface RuleRow {
  project_id: string;
  position: number;
  rule_id: string;
  max_cpu: number | null;
  max_memory_gb: number | null;
  max_disk_gb: number | null;
  sizes: string | null;
  subjects: string | null;
  outcome: string;
  approvals_required: number;
  deadline_seconds: number | null;
  deadline_reason: string | null;
}

const RULE_COLUMNS =
  "rule_id, max_cpu, max_memory_gb, max_disk_gb, sizes, subjects, outcome, approvals_required, deadline_seconds, deadline_reason";

const toRule = (r: RuleRow): unknown => ({
  id: r.rule_id,
  when: {
    ...(r.max_cpu === null ? {} : { maxCpu: r.max_cpu }),
    ...(r.max_memory_gb === null ? {} : { maxMemoryGb: r.max_memory_gb }),
    ...(r.max_disk_gb === null ? {} : { maxDiskGb: r.max_disk_gb }),
    ...(r.sizes === null ? {} : { sizes: JSON.parse(r.sizes) }),
    ...(r.subjects === null ? {} : { subjects: JSON.parse(r.subjects) }),
  },
  outcome:
    r.outcome === "auto-approve"
      ? { kind: "auto-approve" }
      : { kind: "require-approvals", count: r.approvals_required },
  pendingDeadline:
    r.deadline_seconds === null ? null : { afterSeconds: r.deadline_seconds, reason: r.deadline_reason },
});

/** The policies of these rows, by project id ('' the tenant's); the CHECKs hold the schema's rules. */
async function policiesOf(
  db: SqlDatabase,
  where: { tenantId: string; projectIds: readonly string[] | null },
): Promise<Map<string, ApprovalPolicy>> {
  const only = where.projectIds ? ` AND project_id IN (${where.projectIds.map(() => "?").join(", ")})` : "";
  const params = [where.tenantId, ...(where.projectIds ?? [])];
  const [policies, rules] = await db.batch<{ project_id: string } & Partial<RuleRow>>([
    db.prepare(`SELECT project_id FROM approval_policies WHERE tenant_id = ?${only}`).bind(...params),
    db
      .prepare(
        `SELECT project_id, position, ${RULE_COLUMNS} FROM approval_rules WHERE tenant_id = ?${only} ORDER BY project_id, position`,
      )
      .bind(...params),
  ]);
  const byProject = new Map<string, unknown[]>();
  for (const row of policies?.results ?? []) byProject.set(row.project_id, []);
  for (const row of (rules?.results ?? []) as RuleRow[]) byProject.get(row.project_id)?.push(toRule(row));
  // a row that parses badly is a bug worth failing loudly on
  return new Map([...byProject].map(([id, list]) => [id, ApprovalPolicy.parse({ rules: list })]));
}

/** The policy a project's requests meet: the project's own, else the tenant's default, else none. */
export async function effectiveApprovalPolicy(
  db: SqlDatabase,
  scope: { tenantId: string; projectId: string },
): Promise<ApprovalPolicy | null> {
  const found = await policiesOf(db, { tenantId: scope.tenantId, projectIds: [scope.projectId, TENANT_ROW] });
  return found.get(scope.projectId) ?? found.get(TENANT_ROW) ?? null;
}

/** The tenant's default and every project with its effective policy and where that comes from. */
export async function tenantApprovalPolicies(db: SqlDatabase, tenantId: string): Promise<ApprovalPolicies> {
  const [own, projects] = await Promise.all([
    policiesOf(db, { tenantId, projectIds: null }),
    listProjects(db, tenantId),
  ]);
  const tenantDefault = own.get(TENANT_ROW) ?? null;
  return {
    tenantDefault,
    projects: projects.map((p) => {
      const policy = own.get(p.id);
      if (policy) return { projectId: p.id, projectName: p.name, policy, source: "project" as const };
      return {
        projectId: p.id,
        projectName: p.name,
        policy: tenantDefault,
        source: tenantDefault ? ("tenant" as const) : ("none" as const),
      };
    }),
  };
}

const ruleInsert = (
  db: SqlDatabase,
  key: { tenantId: string; projectId: string },
  rule: ApprovalRule,
  position: number,
): D1PreparedStatement => {
  const { when, outcome, pendingDeadline } = rule;
  return db
    .prepare(
      `INSERT INTO approval_rules (tenant_id, project_id, position, ${RULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      key.tenantId,
      key.projectId,
      position,
      rule.id,
      when.maxCpu ?? null,
      when.maxMemoryGb ?? null,
      when.maxDiskGb ?? null,
      when.sizes ? JSON.stringify(when.sizes) : null,
      when.subjects ? JSON.stringify(when.subjects) : null,
      outcome.kind,
      outcome.kind === "auto-approve" ? 0 : outcome.count,
      pendingDeadline?.afterSeconds ?? null,
      pendingDeadline?.reason ?? null,
    );
};

/** The writes that set (policy) or clear (null) the tenant's default or a project's own policy. */
export function approvalPolicyWrites(
  db: SqlDatabase,
  input: {
    tenantId: string;
    projectId: string | null;
    policy: ApprovalPolicy | null;
    by: string;
    at: string;
  },
): D1PreparedStatement[] {
  const key = { tenantId: input.tenantId, projectId: input.projectId ?? TENANT_ROW };
  const clear = [
    db
      .prepare("DELETE FROM approval_rules WHERE tenant_id = ? AND project_id = ?")
      .bind(key.tenantId, key.projectId),
    db
      .prepare("DELETE FROM approval_policies WHERE tenant_id = ? AND project_id = ?")
      .bind(key.tenantId, key.projectId),
  ];
  if (!input.policy) return clear;
  return [
    ...clear,
    db
      .prepare(
        "INSERT INTO approval_policies (tenant_id, project_id, updated_at, updated_by) VALUES (?, ?, ?, ?)",
      )
      .bind(key.tenantId, key.projectId, input.at, input.by),
    ...input.policy.rules.map((rule, i) => ruleInsert(db, key, rule, i)),
  ];
}
