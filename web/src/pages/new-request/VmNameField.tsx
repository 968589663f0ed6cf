import { VM_NAME_MAX, VM_NAME_MIN } from "@gantry/shared/domain/vm-name";
import { Show } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";

/** The VM name, with the name it gets in vCenter (the project's prefix before it) once both are known. */
export function VmNameField(props: {
  value: string;
  vmPrefix: string | undefined;
  error: string | null;
  onInput: (value: string) => void;
  onBlur: () => void;
}) {
  return (
    <div class="field">
      <label for="vm-name">VM name</label>
      <input
        id="vm-name"
        name="name"
        class="input mono"
        autocomplete="off"
        spellcheck={false}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onBlur={() => props.onBlur()}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby="vm-name-hint vm-name-error"
        maxlength={VM_NAME_MAX + 10}
      />
      <span id="vm-name-hint" class="field__hint">
        {VM_NAME_MIN}–{VM_NAME_MAX} lowercase letters, digits and hyphens; it also becomes the hostname.
        <Show when={props.vmPrefix !== undefined && props.value}>
          {" "}
          In vCenter: <span class="mono">{`${props.vmPrefix}-${props.value}`}</span>
        </Show>
      </span>
      <FieldError id="vm-name-error" message={props.error} />
    </div>
  );
}
