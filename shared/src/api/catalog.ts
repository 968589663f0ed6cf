import type { VmSize } from "../domain/vm-size.ts";

/** `catalog.sizes` */
export interface SizeOption {
  size: VmSize;
  cpu: number;
  memoryGb: number;
  diskGb: number;
  isDefault: boolean;
}

/** `catalog.projects`: the projects of the caller's tenant. */
export interface ProjectOption {
  projectId: string;
  slug: string;
  name: string;
  /** the VM is created in vCenter as `{vmPrefix}-{name}` */
  vmPrefix: string;
}
