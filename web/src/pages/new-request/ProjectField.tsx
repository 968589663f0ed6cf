import type { ProjectOption } from "@gantry/shared/api/catalog";
import { For } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";

/** The project the VM is for, among the person's projects. */
export function ProjectField(props: {
  projects: readonly ProjectOption[];
  value: string;
  error: string | null;
  onChange: (projectId: string) => void;
  onBlur: () => void;
}) {
  return (
    <div class="field">
      <label for="project">Project</label>
      <select
        id="project"
        name="projectId"
        class="select"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        onBlur={() => props.onBlur()}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby="project-error"
      >
        <For each={props.projects}>
          {(p) => (
            <option value={p.projectId} selected={p.projectId === props.value}>
              {p.name}
            </option>
          )}
        </For>
      </select>
      <FieldError id="project-error" message={props.error} />
    </div>
  );
}
