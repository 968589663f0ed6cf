import { For, Show } from "solid-js";
import { FieldError } from "./FieldError.tsx";

export interface InventoryOption {
  path: string;
  label: string;
}

/** One placement choice from the agent's reported inventory; the path is shown so admins can tell twins apart. */
export function InventorySelect(props: {
  id: string;
  label: string;
  hint?: string;
  options: readonly InventoryOption[];
  value: string;
  onChange: (path: string) => void;
  error: string | null;
  optional?: boolean;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        class="select"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby={`${props.id}-hint ${props.id}-error`}
      >
        <Show when={props.optional || props.value === ""}>
          <option value="" selected={props.value === ""}>
            {props.optional ? "None" : "Choose…"}
          </option>
        </Show>
        <Show when={props.value !== "" && !props.options.some((o) => o.path === props.value)}>
          <option value={props.value} selected>
            {`${props.value} (not in the latest inventory)`}
          </option>
        </Show>
        <For each={props.options}>
          {(o) => (
            <option value={o.path} selected={o.path === props.value}>
              {`${o.label} — ${o.path}`}
            </option>
          )}
        </For>
      </select>
      <span id={`${props.id}-hint`} class="field__hint">
        {props.hint ?? ""}
      </span>
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
}
