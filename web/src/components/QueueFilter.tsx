import type { ProjectOption } from "@gantry/shared/api/catalog";
import type { PageSize } from "@gantry/shared/api/paging";
import { For } from "solid-js";
import { PageSizeSelect } from "./PageSizeSelect.tsx";

/** Project filter and page size for the approval queue; changes apply at once. */
export function QueueFilter(props: {
  projects: readonly ProjectOption[];
  projectId: string | null;
  pageSize: PageSize;
  onProject: (projectId: string | null) => void;
  onPageSize: (size: PageSize) => void;
}) {
  return (
    <div class="toolbar">
      <div class="field">
        <label for="queue-project">Project</label>
        <select
          id="queue-project"
          class="select"
          onChange={(e) => props.onProject(e.currentTarget.value || null)}
        >
          <option value="" selected={props.projectId === null}>
            All projects
          </option>
          <For each={props.projects}>
            {(p) => (
              <option value={p.projectId} selected={p.projectId === props.projectId}>
                {p.name}
              </option>
            )}
          </For>
        </select>
      </div>
      <PageSizeSelect id="queue-size" value={props.pageSize} onChange={props.onPageSize} />
    </div>
  );
}
