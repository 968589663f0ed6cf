import type { SizeOption } from "@gantry/shared/api/catalog";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import { For } from "solid-js";

/** Native radios styled as cards: arrow keys move between sizes, labels carry the specs. */
export function SizeCards(props: {
  name: string;
  sizes: readonly SizeOption[];
  value: VmSize;
  onChange: (size: VmSize) => void;
  describedBy?: string;
}) {
  return (
    <div class="size-cards">
      <For each={props.sizes}>
        {(option) => (
          <label class="size-card">
            <input
              type="radio"
              name={props.name}
              value={option.size}
              checked={props.value === option.size}
              onChange={() => props.onChange(option.size)}
              aria-describedby={props.describedBy}
            />
            <span class="size-card__name">
              {option.size} <span class="size-card__label">{option.label}</span>
            </span>
            <span class="size-card__specs">
              {option.cpu} vCPU · {option.memoryGb} GB RAM · {option.diskGb} GB disk
            </span>
          </label>
        )}
      </For>
    </div>
  );
}
