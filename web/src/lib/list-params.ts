import { DEFAULT_PAGE_SIZE, PAGE_SIZES, type PageSize } from "@gantry/shared/api/paging";
import { VmRequestStatus } from "@gantry/shared/domain/request-status";

export interface ListParams {
  page: number;
  pageSize: PageSize;
  status: VmRequestStatus | null;
}

const isPageSize = (n: number): n is PageSize => PAGE_SIZES.some((size) => size === n);

/** Reads page, page size and status filter from the URL, falling back to defaults for anything odd. */
export function readListParams(search: URLSearchParams): ListParams {
  const page = Number(search.get("page"));
  const size = Number(search.get("size"));
  const status = VmRequestStatus.safeParse(search.get("status"));
  return {
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
    pageSize: isPageSize(size) ? size : DEFAULT_PAGE_SIZE,
    status: status.success ? status.data : null,
  };
}

/** The query string for a list view, leaving defaults out so URLs stay short. */
export function listSearch(params: ListParams, extra: Record<string, string | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(extra)) if (value) search.set(key, value);
  if (params.status) search.set("status", params.status);
  if (params.pageSize !== DEFAULT_PAGE_SIZE) search.set("size", String(params.pageSize));
  if (params.page > 1) search.set("page", String(params.page));
  const text = search.toString();
  return text ? `?${text}` : "";
}
