import { type CloneOptions, cloneArgs } from "./clone-spec.ts";
import type { MoRef, SoapSession } from "./soap-session.ts";
import { refOf } from "./soap-session.ts";
import { at } from "./xml-tree.ts";

export interface Inventory {
  template: MoRef;
  folder: MoRef;
  pool: MoRef;
}

export async function inventory(session: SoapSession, templatePath: string): Promise<Inventory> {
  const [template, folder, pool] = await Promise.all([
    session.findByPath(templatePath),
    session.findByPath("/DC0/vm"),
    session.findByPath("/DC0/host/DC0_C0/Resources"),
  ]);
  if (!template || !folder || !pool)
    throw new Error("inventory is missing the template, /DC0/vm or the cluster pool");
  return { template, folder, pool };
}

/** Starts CloneVM_Task and returns its task. */
export async function startClone(
  session: SoapSession,
  inv: Inventory,
  options: Omit<CloneOptions, "folder" | "pool">,
): Promise<MoRef> {
  const body = await session.ok(
    "CloneVM_Task",
    inv.template,
    cloneArgs({ folder: inv.folder, pool: inv.pool, ...options }),
  );
  const task = refOf(at(body, "returnval"));
  if (!task) throw new Error("CloneVM_Task returned no task");
  return task;
}
