import { Show } from "solid-js";
import { FieldError } from "./FieldError.tsx";

/** A labelled text input with its hint and the reserved line for its error (local or the edge's). */
export function TextField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  error: string | null | undefined;
  disabled?: boolean;
  mono?: boolean;
}) {
  const describedBy = () =>
    [props.hint ? `${props.id}-hint` : null, `${props.id}-error`].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        class="input"
        classList={{ mono: props.mono === true }}
        value={props.value}
        disabled={props.disabled}
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby={describedBy()}
      />
      <Show when={props.hint}>
        <span id={`${props.id}-hint`} class="field__hint">
          {props.hint}
        </span>
      </Show>
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
}
