import { JUSTIFICATION_MAX, JUSTIFICATION_MIN } from "@gantry/shared/domain/request-text";
import { FieldError } from "../../components/FieldError.tsx";

/** Why the VM is needed, with the length so far against the limits. */
export function JustificationField(props: {
  value: string;
  error: string | null;
  onInput: (value: string) => void;
  onBlur: () => void;
}) {
  return (
    <div class="field">
      <label for="justification">Justification</label>
      <textarea
        id="justification"
        name="justification"
        class="textarea"
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onBlur={() => props.onBlur()}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby="justification-hint justification-error"
      />
      <span id="justification-hint" class="field__hint tabular">
        What is the VM for? {JUSTIFICATION_MIN}–{JUSTIFICATION_MAX} characters · {props.value.trim().length}{" "}
        so far
      </span>
      <FieldError id="justification-error" message={props.error} />
    </div>
  );
}
