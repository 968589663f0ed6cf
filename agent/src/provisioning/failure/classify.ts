import type {
  ProvisioningFailure,
  ProvisioningFailureCode,
  ProvisionVmJob,
} from "@gantry/shared/jobs/provision-vm-job";
import { faultLineage, VsphereFault } from "../../vsphere/faults.ts";
import { isLeaseLost, ProvisioningStop } from "./provisioning-stop.ts";

const ADMIN = "an admin has been told";

function classify(err: unknown, job: ProvisionVmJob): { code: ProvisioningFailureCode; user: string } {
  if (err instanceof ProvisioningStop) return { code: err.code, user: err.userMessage };
  if (isLeaseLost(err)) {
    return {
      code: "LEASE_LOST",
      user: "The agent lost its hold on this request; another attempt will continue it.",
    };
  }
  if (!(err instanceof VsphereFault)) {
    if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) {
      return { code: "CANCELLED", user: "The request was stopped before the VM was ready." };
    }
    return { code: "UNKNOWN", user: `Something unexpected went wrong while creating the VM; ${ADMIN}.` };
  }
  // not isFault(): its type guard would narrow err to never after the first miss
  const lineage = faultLineage(err.name);
  const is = (name: string) => lineage.includes(name);
  const where = job.placement.poolPath;
  if (is("WaitTimeout")) {
    const what = typeof err.fields.what === "string" ? err.fields.what.replace(/ \(.*\)$/, "") : "a step";
    return { code: "TIMED_OUT", user: `vCenter did not finish ${what} in time; ${ADMIN}.` };
  }
  if (is("NotAuthenticated")) {
    return { code: "VCENTER_UNREACHABLE", user: `The agent kept losing its vCenter session; ${ADMIN}.` };
  }
  if (is("InvalidLogin"))
    return { code: "INVALID_LOGIN", user: `The agent could not log in to vCenter; ${ADMIN}.` };
  if (is("NoPermission")) {
    return { code: "NO_PERMISSION", user: `The agent's vCenter account may not create this VM; ${ADMIN}.` };
  }
  if (is("InsufficientResourcesFault") || is("NoDiskSpace") || is("InsufficientStorageSpace")) {
    return {
      code: "INSUFFICIENT_RESOURCES",
      user: `vCenter has not enough resources in ${where} for this VM; ${ADMIN}.`,
    };
  }
  if (is("DuplicateName") || is("AlreadyExists") || is("FileAlreadyExists")) {
    return {
      code: "NAME_CONFLICT",
      user: `A VM named ${job.vmName} already exists in vCenter; choose another name.`,
    };
  }
  if (is("ManagedObjectNotFound")) {
    return {
      code: "PLACEMENT_NOT_FOUND",
      user: `A placement object of this site no longer exists in vCenter; ${ADMIN}.`,
    };
  }
  if (
    [
      "InvalidArgument",
      "InvalidRequest",
      "VmConfigFault",
      "CustomizationFault",
      "NotSupported",
      "InvalidName",
    ].some(is)
  ) {
    return { code: "INVALID_SPEC", user: `vCenter rejected the VM's settings; ${ADMIN}.` };
  }
  if (err.source === "transport")
    return { code: "VCENTER_UNREACHABLE", user: `vCenter could not be reached; ${ADMIN}.` };
  if (err.retryable)
    return { code: "VCENTER_BUSY", user: `vCenter was too busy to finish the VM; ${ADMIN}.` };
  return { code: "TASK_FAILED", user: `vCenter could not create the VM; ${ADMIN}.` };
}

/** The failure value for `err` after `attempts` attempts. */
export function toFailure(
  err: unknown,
  context: {
    job: ProvisionVmJob;
    attempts: number;
    cleanupFailed: boolean;
    step: string;
    vm?: string | undefined;
    /** The job's signal was aborted (cancel or stop), whatever error that surfaced as. */
    cancelled?: boolean;
  },
): ProvisioningFailure {
  const { code, user } = context.cancelled
    ? { code: "CANCELLED" as const, user: "The request was stopped before the VM was ready." }
    : classify(err, context.job);
  const name = err instanceof Error ? err.name : "Error";
  const message = err instanceof Error ? err.message : String(err);
  const parts = [
    `${name}: ${message}`,
    `step ${context.step}`,
    `attempts ${context.attempts}`,
    context.vm === undefined ? undefined : `vm ${context.vm}`,
    `template ${context.job.placement.templatePath}`,
    `pool ${context.job.placement.poolPath}`,
    context.cleanupFailed ? "CLEANUP FAILED: a half-built VM is left in vCenter" : undefined,
  ];
  const retriable =
    err instanceof ProvisioningStop
      ? err.retriable
      : err instanceof VsphereFault
        ? err.retryable
        : isLeaseLost(err);
  return {
    code,
    userMessage: user.slice(0, 500),
    technicalDetail: parts
      .filter((p) => p !== undefined)
      .join("; ")
      .slice(0, 4000),
    retriable,
    attempts: Math.max(1, context.attempts),
    cleanupFailed: context.cleanupFailed,
  };
}
