import type { SnapshotInfo } from "@gantry/shared/jobs/vm-action-job";
import { child, childrenNamed, type XmlElement } from "../vsphere/xml.ts";

/** One snapshot of a VM's tree, as vCenter lists it. */
export interface SnapshotNode {
  readonly snapshotId: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: string;
  /** the power state it captured: poweredOn only when it kept the memory */
  readonly state: string;
}

/** Every snapshot of a `snapshot` property value (VirtualMachineSnapshotInfo), depth first. */
export function snapshotsOf(info: XmlElement | undefined): SnapshotNode[] {
  const out: SnapshotNode[] = [];
  const walk = (trees: readonly XmlElement[]) => {
    for (const tree of trees) {
      const ref = child(tree, "snapshot");
      if (ref?.text) {
        const created = child(tree, "createTime")?.text ?? "";
        out.push({
          snapshotId: ref.text,
          name: child(tree, "name")?.text ?? "",
          description: child(tree, "description")?.text ?? "",
          createdAt: Number.isNaN(Date.parse(created))
            ? new Date(0).toISOString()
            : new Date(created).toISOString(),
          state: child(tree, "state")?.text ?? "",
        });
      }
      walk(childrenNamed(tree, "childSnapshotList"));
    }
  };
  if (info) walk(childrenNamed(info, "rootSnapshotList"));
  return out;
}

/** The snapshot as Gantry lists it. */
export const snapshotInfo = (node: SnapshotNode): SnapshotInfo => ({
  snapshotId: node.snapshotId,
  name: node.name,
  createdAt: node.createdAt,
  withMemory: node.state === "poweredOn",
});
