import { PAGE_SIZES, type PageSize } from "@gantry/shared/api/paging";
import { VM_REQUEST_STATUSES, type VmRequestStatus } from "@gantry/shared/domain/request-status";
import { For } from "solid-js";
import { statusLabel } from "../lib/request-status.ts";

/** Status filter and page size; changes apply immediately (no submit button to find). */
export function StatusFilter(props: {
  status: VmRequestStatus | null;
  pageSize: PageSize;
  onStatus: (status: VmRequestStatus | null) => void;
  onPageSize: (size: PageSize) => void;
}) {
  return (
    <div class="toolbar">
      <div class="field">
        <label for="status-filter">Status</label>
        <select
          id="status-filter"
          class="select"
          value={props.status ?? ""}
          onChange={(e) => {
            const value = e.currentTarget.value;
            props.onStatus(VM_REQUEST_STATUSES.find((s) => s === value) ?? null);
          }}
        >
          <option value="" selected={props.status === null}>
            All statuses
          </option>
          <For each={VM_REQUEST_STATUSES}>
            {(status) => (
              <option value={status} selected={props.status === status}>
                {statusLabel(status)}
              </option>
            )}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="page-size">Per page</label>
        <select
          id="page-size"
          class="select"
          value={String(props.pageSize)}
          onChange={(e) => {
            const value = Number(e.currentTarget.value);
            const size = PAGE_SIZES.find((s) => s === value);
            if (size) props.onPageSize(size);
          }}
        >
          <For each={PAGE_SIZES}>
            {(size) => (
              <option value={String(size)} selected={props.pageSize === size}>
                {size}
              </option>
            )}
          </For>
        </select>
      </div>
    </div>
  );
}
