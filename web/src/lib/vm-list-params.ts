import { DEFAULT_PAGE_SIZE, PAGE_SIZES, type PageSize } from "@gantry/shared/api/paging";
import { ListedVmStatus } from "@gantry/shared/api/vms";
import { VmPowerState } from "@gantry/shared/domain/vm-actions";

/** Every list's default page size (`vms.list`'s too). */
export const VM_PAGE_SIZE: PageSize = DEFAULT_PAGE_SIZE;

/** My VMs' view as the URL holds it, so back, reload and a shared link keep the filters. */
export interface VmListParams {
  page: number;
  pageSize: PageSize;
  projectId: string | null;
  /** admins only; the edge refuses a member naming anyone else */
  ownerId: string | null;
  status: ListedVmStatus | null;
  powerState: VmPowerState | null;
}

const isPageSize = (n: number): n is PageSize => PAGE_SIZES.some((size) => size === n);
const idOrNull = (raw: string | null): string | null =>
  raw && raw.length <= 200 && /^[\w.@:-]+$/.test(raw) ? raw : null;

/** Reads My VMs' filters from the URL; anything odd falls back to "all". */
export function readVmListParams(search: URLSearchParams): VmListParams {
  const page = Number(search.get("page"));
  const size = Number(search.get("size"));
  const status = ListedVmStatus.safeParse(search.get("status"));
  const power = VmPowerState.safeParse(search.get("power"));
  return {
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
    pageSize: isPageSize(size) ? size : VM_PAGE_SIZE,
    projectId: idOrNull(search.get("project")),
    ownerId: idOrNull(search.get("owner")),
    status: status.success ? status.data : null,
    powerState: power.success ? power.data : null,
  };
}

/** The query string for My VMs, leaving defaults out so URLs stay short. */
export function vmListSearch(params: VmListParams): string {
  const search = new URLSearchParams();
  if (params.projectId) search.set("project", params.projectId);
  if (params.ownerId) search.set("owner", params.ownerId);
  if (params.status) search.set("status", params.status);
  if (params.powerState) search.set("power", params.powerState);
  if (params.pageSize !== VM_PAGE_SIZE) search.set("size", String(params.pageSize));
  if (params.page > 1) search.set("page", String(params.page));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** `vms.list`'s input for these params. */
export const vmListInput = (params: VmListParams) => ({
  page: params.page,
  pageSize: params.pageSize,
  ...(params.projectId ? { projectId: params.projectId } : {}),
  ...(params.ownerId ? { ownerId: params.ownerId } : {}),
  ...(params.status ? { status: params.status } : {}),
  ...(params.powerState ? { powerState: params.powerState } : {}),
});
