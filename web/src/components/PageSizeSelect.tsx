import { PAGE_SIZES, type PageSize } from "@gantry/shared/api/paging";
import { For } from "solid-js";

/** "Per page" for every list; a change applies at once. */
export function PageSizeSelect(props: { id: string; value: PageSize; onChange: (size: PageSize) => void }) {
  return (
    <div class="field">
      <label for={props.id}>Per page</label>
      <select
        id={props.id}
        class="select"
        value={String(props.value)}
        onChange={(e) => {
          const value = Number(e.currentTarget.value);
          const size = PAGE_SIZES.find((s) => s === value);
          if (size) props.onChange(size);
        }}
      >
        <For each={PAGE_SIZES}>
          {(size) => (
            <option value={String(size)} selected={props.value === size}>
              {size}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
