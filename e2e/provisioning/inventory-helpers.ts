import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { cloneVmTask } from "@gantry/agent/vsphere/methods/clone-vm-task";
import { findByInventoryPath } from "@gantry/agent/vsphere/methods/find-by-inventory-path";
import { retrievePropertiesEx } from "@gantry/agent/vsphere/methods/retrieve-properties-ex";
import { resultRef, waitForTask } from "@gantry/agent/vsphere/task";
import type { MoRef } from "@gantry/agent/vsphere/values";

/** Every VM named `name` directly in the folder at `folderPath` (duplicates included). */
export async function vmsNamed(client: VsphereClient, folderPath: string, name: string): Promise<MoRef[]> {
  const vim = client.scope();
  const folder = await findByInventoryPath(vim, folderPath);
  if (folder === undefined) return [];
  const children = await retrievePropertiesEx(vim, [
    {
      propSet: [{ type: "VirtualMachine", paths: ["name"] }],
      objectSet: [{ obj: folder, skip: true, selectSet: [{ type: "Folder", path: "childEntity" }] }],
    },
  ]);
  return children.filter((c) => c.obj.type === "VirtualMachine" && c.text("name") === name).map((c) => c.obj);
}

/** A VM someone else made: cloned from the template into `folderPath` with no Gantry marker. */
export async function createForeignVm(
  client: VsphereClient,
  folderPath: string,
  name: string,
): Promise<MoRef> {
  const vim = client.scope();
  const [folder, template, pool] = await Promise.all([
    findByInventoryPath(vim, folderPath),
    findByInventoryPath(vim, "/DC0/vm/ubuntu-22.04-tmpl"),
    findByInventoryPath(vim, "/DC0/host/DC0_C0/Resources"),
  ]);
  if (folder === undefined || template === undefined || pool === undefined)
    throw new Error("inventory missing");
  const task = await cloneVmTask(vim, template, { folder, name, pool, powerOn: true });
  const vm = resultRef(await waitForTask(client.waiter, task));
  if (vm === undefined) throw new Error("foreign clone returned no VM");
  return vm;
}
