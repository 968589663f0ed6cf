import { createMemo, createSignal, For, Show } from "solid-js";
import { FILTER_FROM, filterChoices, type InventoryOption } from "../lib/inventory-filter.ts";
import { FieldError } from "./FieldError.tsx";

/**
 * One placement choice from the agent's reported inventory; the path is shown so admins can tell twins
 * apart. A long list gets a filter (by name or path) and never renders more than a couple of hundred
 * options, so the picker stays quick with a large vCenter; the chosen value always stays listed.
 */
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
  const [filter, setFilter] = createSignal("");
  const filterable = () => props.options.length > FILTER_FROM;
  const choices = createMemo(() => filterChoices(props.options, filter(), props.value));
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <Show when={filterable()}>
        <input
          id={`${props.id}-filter`}
          class="input"
          type="search"
          autocomplete="off"
          spellcheck={false}
          placeholder="Filter by name or path"
          aria-label={`Filter ${props.label.toLowerCase()} choices`}
          aria-controls={props.id}
          aria-describedby={`${props.id}-count`}
          value={filter()}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <span
          id={`${props.id}-count`}
          class="field__hint"
          aria-live="polite"
          data-testid={`${props.id}-count`}
        >
          {choices().countText}
        </span>
      </Show>
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
        <For each={choices().shown}>
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
