import type { ProjectOption } from "@gantry/shared/api/catalog";
import type { PageSize } from "@gantry/shared/api/paging";
import { type ListedVmStatus, ListedVmStatus as ListedVmStatusSchema } from "@gantry/shared/api/vms";
import type { VmPowerState } from "@gantry/shared/domain/vm-actions";
import { For, Show } from "solid-js";
import { PageSizeSelect } from "../../components/PageSizeSelect.tsx";
import { POWER_LABELS, VM_STATUS_LABELS } from "../../lib/vm-view.ts";

const STATUSES = ListedVmStatusSchema.options;
const POWER_STATES = Object.keys(POWER_LABELS) as VmPowerState[];

/** My VMs' filters (project for admins, state, power, page size); each change applies at once. */
export function VmFilter(props: {
  projects: readonly ProjectOption[] | null;
  projectId: string | null;
  status: ListedVmStatus | null;
  powerState: VmPowerState | null;
  pageSize: PageSize;
  onProject: (projectId: string | null) => void;
  onStatus: (status: ListedVmStatus | null) => void;
  onPower: (power: VmPowerState | null) => void;
  onPageSize: (size: PageSize) => void;
}) {
  return (
    <div class="toolbar">
      <Show when={props.projects}>
        {(projects) => (
          <div class="field">
            <label for="vm-project">Project</label>
            <select
              id="vm-project"
              class="select"
              onChange={(e) => props.onProject(e.currentTarget.value || null)}
            >
              <option value="" selected={props.projectId === null}>
                All projects
              </option>
              <For each={projects()}>
                {(project) => (
                  <option value={project.projectId} selected={props.projectId === project.projectId}>
                    {project.name}
                  </option>
                )}
              </For>
            </select>
          </div>
        )}
      </Show>
      <div class="field">
        <label for="vm-status">State</label>
        <select
          id="vm-status"
          class="select"
          onChange={(e) => {
            const value = e.currentTarget.value;
            props.onStatus(STATUSES.find((s) => s === value) ?? null);
          }}
        >
          <option value="" selected={props.status === null}>
            Ready and gone
          </option>
          <For each={STATUSES}>
            {(status) => (
              <option value={status} selected={props.status === status}>
                {VM_STATUS_LABELS[status].label}
              </option>
            )}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="vm-power">Power</label>
        <select
          id="vm-power"
          class="select"
          onChange={(e) => {
            const value = e.currentTarget.value;
            props.onPower(POWER_STATES.find((s) => s === value) ?? null);
          }}
        >
          <option value="" selected={props.powerState === null}>
            Any
          </option>
          <For each={POWER_STATES}>
            {(power) => (
              <option value={power} selected={props.powerState === power}>
                {POWER_LABELS[power].label}
              </option>
            )}
          </For>
        </select>
      </div>
      <PageSizeSelect id="vm-page-size" value={props.pageSize} onChange={props.onPageSize} />
    </div>
  );
}
