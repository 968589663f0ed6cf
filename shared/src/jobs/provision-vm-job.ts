import { z } from "zod";
import { Slug } from "../domain/slug.ts";

/** An absolute vSphere inventory path such as `/DC0/vm/templates/ubuntu-22.04`. */
export const InventoryPath = z
  .string()
  .min(2)
  .max(512)
  .regex(/^\/[^\0]+$/, "must be an absolute inventory path starting with /");

/** Where a site's VMs are placed; chosen by a tenant admin from the agent's reported inventory. */
export const Placement = z.object({
  datacenterPath: InventoryPath,
  templatePath: InventoryPath,
  /** VMs go into `<folderPath>/<tenant>/<project>`, created when missing. */
  folderPath: InventoryPath,
  /** A resource pool, or a cluster/host whose root pool is used. */
  poolPath: InventoryPath,
  datastorePath: InventoryPath.optional(),
});
export type Placement = z.infer<typeof Placement>;

/** vCenter's notes field as the job carries it; the edge shortens what it puts there to fit. */
export const ANNOTATION_MAX = 1000;

/** Everything the agent needs to provision one VM. The job id is the idempotency key of the whole run. */
export const ProvisionVmJob = z.object({
  kind: z.literal("provision-vm"),
  jobId: z.string().min(1).max(100),
  requestId: z.string().min(1).max(100),
  tenantSlug: Slug,
  projectSlug: Slug,
  /** `{projectPrefix}-{name}`: the VM's name in vCenter. */
  vmName: z.string().min(3).max(80),
  /** Guest hostname (the requested name), applied with LinuxPrep customization. */
  hostname: z.string().min(1).max(63),
  cpu: z.number().int().min(1).max(128),
  memoryMb: z.number().int().min(256).max(1_048_576),
  diskGb: z.number().int().min(1).max(65_536),
  /** Inventory path of the network (standard portgroup or distributed portgroup). */
  networkPath: InventoryPath,
  placement: Placement,
  /** Shown in vCenter's notes so an operator can tell whose VM this is. */
  annotation: z.string().max(ANNOTATION_MAX),
});
export type ProvisionVmJob = z.infer<typeof ProvisionVmJob>;

/** Stable failure codes; shared with the edge, which maps them to user sentences. */
export const PROVISIONING_FAILURE_CODES = [
  "INSUFFICIENT_RESOURCES",
  "NO_PERMISSION",
  "INVALID_LOGIN",
  "TEMPLATE_NOT_FOUND",
  "PLACEMENT_NOT_FOUND",
  "PLACEMENT_NOT_ALLOWED",
  "NAME_CONFLICT",
  "INVALID_SPEC",
  "VCENTER_UNREACHABLE",
  "VCENTER_BUSY",
  "TASK_FAILED",
  "CANCELLED",
  /** a wait in vCenter passed its deadline (agent), or the job its maximum duration (edge) */
  "TIMED_OUT",
  /** the edge could not hand the job to the site's agents (an invalid job, or dispatch kept failing) */
  "UNDELIVERABLE",
  "LEASE_LOST",
  "UNKNOWN",
] as const;
export const ProvisioningFailureCode = z.enum(PROVISIONING_FAILURE_CODES);
export type ProvisioningFailureCode = z.infer<typeof ProvisioningFailureCode>;

export const ProvisionedVm = z.object({
  /** The VM's managed object id in vCenter, e.g. `vm-123`. */
  vmwareId: z.string().min(1).max(200),
  vmName: z.string(),
  hostname: z.string(),
  /** null when no usable address appeared within the wait budget; `warning` then says so. */
  ipAddress: z.string().nullable(),
  warning: z.string().max(500).optional(),
});
export type ProvisionedVm = z.infer<typeof ProvisionedVm>;

export const ProvisioningFailure = z.object({
  code: ProvisioningFailureCode,
  /** A plain sentence for the requester. */
  userMessage: z.string().max(500),
  /** Fault names, paths and task ids for admins; never secrets. */
  technicalDetail: z.string().max(4000),
  retriable: z.boolean(),
  attempts: z.number().int().min(1),
  /** Set when a half-built VM could not be removed: admins must act. */
  cleanupFailed: z.boolean().default(false),
});
export type ProvisioningFailure = z.infer<typeof ProvisioningFailure>;
