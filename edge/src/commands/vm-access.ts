import { isAdmin, type Principal } from "../auth/principal.ts";
import type { SqlDatabase } from "../event-store/stored-event.ts";
import { vmIdFor } from "../provisioning/ids.ts";
import { type ManagedVm, managedVm } from "../provisioning/managed-vm.ts";
import { type LoadedJobStreams, loadVmRequestAndVm } from "./load-aggregates.ts";

/** A VM with both streams it is decided on, as loaded (one D1 call). */
export interface LoadedManagedVm {
  streams: LoadedJobStreams;
  /** null when the request never reached READY (or does not exist) */
  vm: ManagedVm | null;
  tenantId: string | null;
}

export async function loadManagedVm(db: SqlDatabase, vmId: string): Promise<LoadedManagedVm> {
  // a VM shares its request's id
  const streams = await loadVmRequestAndVm(db, vmId, vmIdFor(vmId));
  return {
    streams,
    vm: managedVm(streams.request.state, streams.vm.state),
    tenantId: streams.request.tenantId,
  };
}

/**
 * The VM if the caller may see and act on it: same tenant, and an admin or its owner. Anything else
 * (another tenant's VM, another member's, a request that never became a VM) reads like a missing one,
 * exactly as `requests.get` answers.
 */
export function visibleVm(principal: Principal, loaded: LoadedManagedVm): ManagedVm | null {
  const { vm } = loaded;
  if (!vm || loaded.tenantId !== principal.tenantId) return null;
  if (!isAdmin(principal) && vm.ownerId !== principal.userId) return null;
  return vm;
}

/**
 * The VM if the caller may decide on a resize or extension waiting on it (issue 18): a tenant admin any
 * of the tenant's, a project approver their projects' (`approverOf`); anything else reads like a missing
 * VM. Nobody their own: the deciders refuse that.
 */
export function decidableVm(
  principal: Principal,
  loaded: LoadedManagedVm,
  approverOf: readonly string[],
): ManagedVm | null {
  if (isAdmin(principal)) return visibleVm(principal, loaded);
  const { vm } = loaded;
  if (!vm || loaded.tenantId !== principal.tenantId || !approverOf.includes(vm.projectId)) return null;
  return vm;
}
