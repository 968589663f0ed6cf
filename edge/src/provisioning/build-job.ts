import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmSpec } from "@gantry/shared/domain/vm-size";
import type { Requester } from "@gantry/shared/events/vm-request";
import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { err, ok, type Result } from "@gantry/shared/result";
import type { ProjectRecord, SiteRecord, TenantRecord } from "../tenancy/reference-data.ts";

/** One job per request, always the same id: the hub and the agent deduplicate on it. */
export const jobIdFor = (requestId: string): string => `job-${requestId}`;

/** A request asks for exactly one VM, which shares its id; projections rely on this to route VM events. */
export const vmIdFor = (requestId: string): string => requestId;
export const requestIdOfVm = (vmId: string): string => vmId;

export interface JobSource {
  requestId: string;
  name: string;
  spec: VmSpec;
  /** The network the requester picked; null → the site's default. */
  networkPath: string | null;
  requester: Requester;
  tenant: Pick<TenantRecord, "slug">;
  project: Pick<ProjectRecord, "slug" | "vmPrefix">;
  site: Pick<SiteRecord, "id" | "placement" | "networkPath">;
}

/** Builds the agent's job from the request and where its project's site places VMs. Pure. */
export function buildProvisionVmJob(source: JobSource): Result<ProvisionVmJob, DomainError> {
  const { requestId, name, spec, requester, tenant, project, site } = source;
  const networkPath = source.networkPath ?? site.networkPath;
  if (!site.placement || !networkPath) return err({ code: "SITE_NOT_CONFIGURED", siteId: site.id });
  return ok({
    kind: "provision-vm",
    jobId: jobIdFor(requestId),
    requestId,
    tenantSlug: tenant.slug,
    projectSlug: project.slug,
    vmName: `${project.vmPrefix}-${name}`,
    hostname: name,
    cpu: spec.cpu,
    memoryMb: spec.memoryGb * 1024,
    diskGb: spec.diskGb,
    networkPath,
    placement: site.placement,
    annotation: `Gantry request ${requestId} by ${requester.email} (${tenant.slug}/${project.slug})`,
  });
}
