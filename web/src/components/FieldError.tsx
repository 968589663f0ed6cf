/** The reserved line under a field; empty until there is something to say. */
export function FieldError(props: { id: string; message: string | null | undefined }) {
  return (
    <span id={props.id} class="field__error" aria-live="polite">
      {props.message ?? ""}
    </span>
  );
}
