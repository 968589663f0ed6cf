import type { PageSize } from "@gantry/shared/api/paging";
import { VM_REQUEST_STATUSES, type VmRequestStatus } from "@gantry/shared/domain/request-status";
import { For } from "solid-js";
import { statusLabel } from "../lib/request-status.ts";
import { PageSizeSelect } from "./PageSizeSelect.tsx";

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
      <PageSizeSelect id="page-size" value={props.pageSize} onChange={props.onPageSize} />
    </div>
  );
}
