import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { VsphereClient } from "../vsphere/client.ts";
import { isFault } from "../vsphere/faults.ts";
import { createFolder } from "../vsphere/methods/create-folder.ts";
import { findByInventoryPath } from "../vsphere/methods/find-by-inventory-path.ts";
import { findChild } from "../vsphere/methods/find-child.ts";
import type { RoundTripCounter } from "../vsphere/round-trips.ts";
import type { MoRef } from "../vsphere/values.ts";
import type { Vim } from "../vsphere/vim.ts";

export interface ProjectFolder {
  readonly ref: MoRef;
  readonly path: string;
  /** Created by this call: nothing can be in it yet, so the VM lookup can be skipped. */
  readonly created: boolean;
}

export const projectFolderPath = (job: ProvisionVmJob): string =>
  `${job.placement.folderPath.replace(/\/+$/, "")}/${job.tenantSlug}/${job.projectSlug}`;

/** Create `name` under `parent`; a concurrent creator winning the race is fine. */
async function createTolerant(
  vim: Vim,
  parent: MoRef,
  name: string,
  assertLease: () => void,
): Promise<{ ref: MoRef; created: boolean }> {
  assertLease();
  try {
    return { ref: await createFolder(vim, parent, name), created: true };
  } catch (err) {
    if (!isFault(err, "DuplicateName")) throw err;
    const existing = await findChild(vim, parent, name);
    if (existing === undefined) throw err;
    return { ref: existing, created: false };
  }
}

/**
 * `<folderPath>/<tenant>/<project>`, created when missing. Cached per client once it exists;
 * the cache entry is dropped if vCenter later says the folder is gone.
 */
export async function ensureProjectFolder(
  client: VsphereClient,
  job: ProvisionVmJob,
  base: { baseFolder: MoRef; assertLease: () => void; counter: RoundTripCounter | undefined },
): Promise<ProjectFolder> {
  const path = projectFolderPath(job);
  let created = false;
  // no job signal: concurrent jobs of the project share this lookup
  const vim = client.scope({ counter: base.counter });
  const ref = await client.cache.get(`folder:${path}`, async () => {
    const existing = await findByInventoryPath(vim, path);
    if (existing !== undefined) return existing;
    const tenantPath = `${job.placement.folderPath.replace(/\/+$/, "")}/${job.tenantSlug}`;
    const tenant =
      (await findByInventoryPath(vim, tenantPath)) ??
      (await createTolerant(vim, base.baseFolder, job.tenantSlug, base.assertLease)).ref;
    const project = await createTolerant(vim, tenant, job.projectSlug, base.assertLease);
    created = project.created;
    return project.ref;
  });
  return { ref, path, created };
}
