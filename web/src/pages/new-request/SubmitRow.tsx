/** The form's own message (announced) and its submit button, busy while the request is sent. */
export function SubmitRow(props: { formError: string | null; pending: boolean | undefined }) {
  return (
    <>
      <div id="form-error" class="field__error" role="alert">
        {props.formError ?? ""}
      </div>
      <div class="form-actions">
        <button
          type="submit"
          class="button button--primary"
          disabled={props.pending}
          aria-busy={props.pending}
        >
          {props.pending ? "Submitting…" : "Submit request"}
        </button>
      </div>
    </>
  );
}
