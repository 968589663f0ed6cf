import { Show } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";

/** Under the sizes: what is left in the project, and why the chosen size does not fit (ours or the edge's). */
export function SizeQuota(props: { summary: string | null; error: string | null }) {
  return (
    <>
      <Show when={props.summary}>
        {(summary) => (
          <span id="size-quota" class="field__hint">
            {summary()}
          </span>
        )}
      </Show>
      <FieldError id="size-error" message={props.error} />
    </>
  );
}
