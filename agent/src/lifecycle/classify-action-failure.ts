import type { VmActionFailure, VmActionFailureCode } from "@gantry/shared/jobs/vm-action-job";
import { faultLineage, VsphereFault } from "../vsphere/faults.ts";
import { ActionDeadline, ActionStop } from "./action-stop.ts";

const ADMIN = "your admin has been told";

function classify(err: unknown): { code: VmActionFailureCode; user: string; retriable: boolean } {
  if (err instanceof ActionStop) return { code: err.code, user: err.userMessage, retriable: false };
  if (err instanceof ActionDeadline)
    return { code: "TIMED_OUT", user: "It did not finish before its deadline.", retriable: true };
  if (!(err instanceof VsphereFault)) {
    if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError"))
      return { code: "CANCELLED", user: "It was stopped before it finished.", retriable: false };
    return { code: "UNKNOWN", user: `Something unexpected went wrong; ${ADMIN}.`, retriable: false };
  }
  const lineage = faultLineage(err.name);
  const is = (name: string) => lineage.includes(name);
  if (is("NotAuthenticated"))
    return {
      code: "VCENTER_UNREACHABLE",
      user: `The agent kept losing its vCenter session; ${ADMIN}.`,
      retriable: true,
    };
  if (is("InvalidLogin"))
    return {
      code: "INVALID_LOGIN",
      user: `The agent could not log in to vCenter; ${ADMIN}.`,
      retriable: false,
    };
  if (is("NoPermission"))
    return {
      code: "NO_PERMISSION",
      user: `The agent's vCenter account may not do this; ${ADMIN}.`,
      retriable: false,
    };
  if (is("InsufficientResourcesFault"))
    return {
      code: "INSUFFICIENT_RESOURCES",
      user: `vCenter has not enough resources for this; ${ADMIN}.`,
      retriable: false,
    };
  if (is("InvalidPowerState"))
    return {
      code: "INVALID_POWER_STATE",
      user: "The VM's power state changed meanwhile; look at it and try again.",
      retriable: false,
    };
  if (is("ManagedObjectNotFound"))
    return { code: "VM_NOT_FOUND", user: "The VM no longer exists in vCenter.", retriable: false };
  if (err.source === "transport")
    return { code: "VCENTER_UNREACHABLE", user: `vCenter could not be reached; ${ADMIN}.`, retriable: true };
  if (err.retryable)
    return { code: "VCENTER_BUSY", user: `vCenter was too busy to finish; ${ADMIN}.`, retriable: true };
  return { code: "TASK_FAILED", user: `vCenter could not do it; ${ADMIN}.`, retriable: false };
}

/** The failure value an action reports for `err` after `attempts` attempts, at `step`. */
export function toActionFailure(
  err: unknown,
  context: { attempts: number; step: string; vm: string },
): VmActionFailure {
  const { code, user, retriable } = classify(err);
  const name = err instanceof Error ? err.name : "Error";
  const message = err instanceof Error ? err.message : String(err);
  return {
    code,
    userMessage: user.slice(0, 500),
    technicalDetail:
      `${name}: ${message}; step ${context.step}; attempts ${context.attempts}; vm ${context.vm}`.slice(
        0,
        4000,
      ),
    retriable,
    attempts: Math.max(1, context.attempts),
  };
}
