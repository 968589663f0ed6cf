import type { DomainError } from "@gantry/shared/domain/domain-error";
import type { VmSpec } from "@gantry/shared/domain/vm-size";
import type { Requester } from "@gantry/shared/events/vm-request";
import { ANNOTATION_MAX, type Placement, ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
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

/**
 * vCenter's notes for the VM: who asked, in which tenant and project. The requester's address is
 * shortened (never the request id) so an unusually long e-mail claim cannot make the job invalid.
 */
export function annotationFor(input: { requestId: string; email: string; tenant: string; project: string }) {
  const head = `Gantry request ${input.requestId} by `;
  const tail = ` (${input.tenant}/${input.project})`;
  const room = ANNOTATION_MAX - head.length - tail.length;
  const email = input.email.length <= room ? input.email : `${input.email.slice(0, Math.max(0, room - 1))}…`;
  return `${head}${email}${tail}`.slice(0, ANNOTATION_MAX);
}

/**
 * Builds the agent's job from the request and where its project's site places VMs, and checks it
 * against the job schema the hub and the agent parse it with: a job that would be refused later is
 * refused here, before the approval commits, naming the field. Pure.
 */
export function buildProvisionVmJob(source: JobSource): Result<ProvisionVmJob, DomainError> {
  const { requestId, name, spec, requester, tenant, project, site } = source;
  const networkPath = source.networkPath ?? site.networkPath;
  if (!site.placement || !networkPath) return err({ code: "SITE_NOT_CONFIGURED", siteId: site.id });
  const job = ProvisionVmJob.safeParse({
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
    annotation: annotationFor({
      requestId,
      email: requester.email,
      tenant: tenant.slug,
      project: project.slug,
    }),
  } satisfies ProvisionVmJob);
  if (job.success) return ok(job.data);
  const issue = job.error.issues[0];
  const field = issue?.path.join(".") || "job";
  return err({
    code: "INVALID_JOB",
    requestId,
    field,
    problem: (issue?.message ?? "is invalid").slice(0, 200),
  });
}
