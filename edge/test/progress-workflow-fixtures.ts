import { env } from "cloudflare:workers";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import type { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import type { ProvisioningUpdate } from "@gantry/shared/protocol/job-report";
import type { Principal } from "../src/auth/principal.ts";
import { approveRequest } from "../src/commands/approve-request.ts";
import { createCommandDeps, type DispatchDeps } from "../src/commands/command-deps.ts";
import { submitRequest } from "../src/commands/submit-request.ts";
import { jobIdFor } from "../src/provisioning/ids.ts";
import { insertDefaultSizes } from "../src/tenancy/vm-sizes.ts";
import { createChangeFeed } from "../src/tenant-feed/change-feed.ts";
import { failedUpdate, iso, progressStub, succeededUpdate, uniqueId } from "./progress-fixtures.ts";
import { recordHolding } from "./support/job-updates.ts";

// drives the request workflow for the progress tests: real events in D1, through its own use cases

export const TEMPLATES = {
  ubuntu: "/DC0/vm/ubuntu-22.04-tmpl",
  windows: "/DC0/vm/windows-2022-tmpl",
} as const;
export type TemplateName = keyof typeof TEMPLATES;
const TEMPLATE_NAMES: readonly TemplateName[] = ["ubuntu", "windows"];

const deps = (): DispatchDeps => ({
  ...createCommandDeps({ db: env.DB, feed: createChangeFeed(env) }),
  dispatcher: {
    dispatch: async () => {},
    capabilities: async () => ({ connected: 0, jobs: [], versions: [] }),
  },
});

export interface TestTenant {
  tenantId: string;
  member: Principal;
  otherMember: Principal;
  admin: Principal;
  projects: Record<TemplateName, string>;
}

const person = (tenantId: string, id: string, role: Principal["role"]): Principal => ({
  userId: `${tenantId}-${id}`,
  tenantId,
  role,
  email: `${id}@${tenantId}.test`,
  name: id,
  via: "session",
});

/** A fresh tenant with a member, a second member, an admin, and one project per template. */
export async function seedTenant(): Promise<TestTenant> {
  const tenantId = uniqueId("t").replaceAll("-", "").toLowerCase().slice(0, 30);
  const member = person(tenantId, "mia", "member");
  const otherMember = person(tenantId, "max", "member");
  const admin = person(tenantId, "ada", "admin");
  const statements = [
    env.DB.prepare("INSERT INTO tenants (id, slug, name) VALUES (?, ?, ?)").bind(
      tenantId,
      tenantId,
      tenantId,
    ),
    ...[member, otherMember, admin].map((p) =>
      env.DB.prepare("INSERT INTO users (id, tenant_id, email, name, role) VALUES (?, ?, ?, ?, ?)").bind(
        p.userId,
        tenantId,
        p.email,
        p.name,
        p.role,
      ),
    ),
    ...insertDefaultSizes(env.DB, { tenantId, now: "2026-01-01T00:00:00.000Z" }),
  ];
  const projects: Record<TemplateName, string> = {
    ubuntu: `${tenantId}-proj-ubuntu`,
    windows: `${tenantId}-proj-windows`,
  };
  for (const name of TEMPLATE_NAMES) {
    const siteId = `${tenantId}-site-${name}`;
    const placement = {
      datacenterPath: "/DC0",
      templatePath: TEMPLATES[name],
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/DC0_C0/Resources",
    };
    statements.push(
      env.DB.prepare(
        "INSERT INTO sites (id, tenant_id, slug, name, placement, network_path, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ).bind(
        siteId,
        tenantId,
        name,
        name,
        JSON.stringify(placement),
        "/DC0/network/VM Network",
        iso(Date.now()),
      ),
    );
    statements.push(
      env.DB.prepare(
        "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, ?, ?, ?, ?)",
      ).bind(projects[name], tenantId, name, name, name.slice(0, 10), siteId),
    );
  }
  await env.DB.batch(statements);
  return { tenantId, member, otherMember, admin, projects };
}

/** Submits a request as the tenant's member; returns its id and version, still PENDING. */
export async function pendingRequest(
  tenant: TestTenant,
  options: { template?: TemplateName; size?: VmSize } = {},
): Promise<{ requestId: string; version: number }> {
  const submitted = await submitRequest(deps(), {
    principal: tenant.member,
    submission: {
      idempotencyKey: crypto.randomUUID(),
      projectId: tenant.projects[options.template ?? "ubuntu"],
      name: `vm${Math.floor(Math.random() * 1e6)}`,
      size: options.size ?? "M",
      justification: "progress test",
    },
  });
  if (!submitted.ok) throw new Error(`submit failed: ${JSON.stringify(submitted.error)}`);
  return submitted.value;
}

/** Has the tenant's admin approve a pending request; returns its id. */
export async function approve(tenant: TestTenant, pending: { requestId: string; version: number }) {
  const approved = await approveRequest(deps(), {
    principal: tenant.admin,
    requestId: pending.requestId,
    expectedVersion: pending.version,
  });
  if (!approved.ok) throw new Error(`approve failed: ${JSON.stringify(approved.error)}`);
  return pending.requestId;
}

/** Submits a request as the tenant's member and has the admin approve it; returns its id. */
export async function approvedRequest(
  tenant: TestTenant,
  options: { template?: TemplateName; size?: VmSize } = {},
): Promise<string> {
  return approve(tenant, await pendingRequest(tenant, options));
}

/** Records what an agent reported, as the hub does before publishing it (holding stages after the first). */
export async function record(
  tenant: TestTenant,
  requestId: string,
  update: ProvisioningUpdate,
): Promise<void> {
  const recorded = await recordHolding(deps(), {
    tenantId: tenant.tenantId,
    requestId,
    jobId: jobIdFor(requestId),
    agentId: "agent-1",
    epoch: 1,
    eventId: uniqueId("frame"),
    receivedAt: update.at,
    update,
  });
  if (!recorded.ok) throw new Error(`record failed: ${JSON.stringify(recorded.error)}`);
}

export const stageAt = (stage: ProvisioningStage, atMs: number): ProvisioningUpdate => ({
  kind: "stage",
  stage,
  at: iso(atMs),
});

/** A complete successful run in the log whose stages took the given durations (ms). */
export async function completedRun(
  tenant: TestTenant,
  options: { template?: TemplateName; size?: VmSize; durations: Partial<Record<ProvisioningStage, number>> },
): Promise<string> {
  const requestId = await approvedRequest(tenant, options);
  let at = Date.now() - 3_600_000;
  for (const stage of ["CLONING", "CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"] as const) {
    await record(tenant, requestId, stageAt(stage, at));
    at += options.durations[stage] ?? 0;
  }
  const { kind, vm } = succeededUpdate(requestId);
  await record(tenant, requestId, { kind, vm, at: iso(at) });
  return requestId;
}

export async function failedRun(tenant: TestTenant, requestId: string): Promise<void> {
  const { kind, failure, at } = failedUpdate(requestId);
  await record(tenant, requestId, { kind, failure, at });
}

/** What the agent hub does with a durable frame: record it in D1, then publish it to the progress object. */
export async function report(
  tenant: TestTenant,
  requestId: string,
  update: ProvisioningUpdate,
): Promise<void> {
  await record(tenant, requestId, update);
  const published = await progressStub(requestId).publish(
    { ...update, requestId },
    { tenantId: tenant.tenantId },
  );
  if (!published.ok) throw new Error(`publish failed: ${JSON.stringify(published.error)}`);
}
