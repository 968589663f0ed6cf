import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmSpec } from "@gantry/shared/domain/vm-size";
import type { Requester } from "@gantry/shared/events/vm-request";
import type { Placement, ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { err, ok, type Result } from "@gantry/shared/result";
import { jobIdFor } from "./ids.ts";

export interface JobSource {
  requestId: string;
  name: string;
  spec: VmSpec;
  /** The network the requester picked; null → the site's default. */
  networkPath: string | null;
  requester: Requester;
  tenant: { slug: string };
  project: { slug: string; vmPrefix: string };
  /** where the site places VMs; null until an admin picks it from the agent's inventory */
  site: { id: string; placement: Placement | null; networkPath: string | null };
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
