import { VM_NAME_MAX, VM_NAME_MIN } from "@gantry/shared/domain/vm-name";
import { Match, Show, Switch } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";
import type { NameCheck } from "../../lib/make-name-check.ts";

/**
 * The VM name, with the name it gets in vCenter (the project's prefix before it) once the name is
 * valid, and whether it is still free in the project.
 */
export function VmNameField(props: {
  value: string;
  /** the name in vCenter; null while the name is not valid */
  vcenterName: string | null;
  availability: NameCheck | null;
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
        <Show when={props.vcenterName}>
          {(name) => (
            <>
              {" "}
              In vCenter:{" "}
              <span class="mono" data-testid="vcenter-name">
                {name()}
              </span>
              <Switch>
                <Match when={props.availability === "checking"}>
                  <span class="muted"> · checking…</span>
                </Match>
                <Match when={props.availability === "available"}>
                  <span class="field__ok" data-testid="name-available">
                    {" "}
                    · available
                  </span>
                </Match>
              </Switch>
            </>
          )}
        </Show>
      </span>
      <FieldError id="vm-name-error" message={props.error} />
    </div>
  );
}
