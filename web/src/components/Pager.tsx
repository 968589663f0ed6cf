import { A } from "@solidjs/router";
import { Show } from "solid-js";

/** Previous/next links; the page lives in the URL so back and reload keep it. */
export function Pager(props: {
  page: number;
  pageCount: number;
  total: number;
  hrefFor: (page: number) => string;
  label: string;
}) {
  return (
    <nav class="pager" aria-label={props.label}>
      <span class="muted tabular">
        Page {props.page} of {Math.max(1, props.pageCount)} · {props.total} in total
      </span>
      <span class="form-actions">
        <Show
          when={props.page > 1}
          fallback={
            <span class="button button--small" aria-disabled="true">
              Previous
            </span>
          }
        >
          <A class="button button--small" href={props.hrefFor(props.page - 1)}>
            Previous
          </A>
        </Show>
        <Show
          when={props.page < props.pageCount}
          fallback={
            <span class="button button--small" aria-disabled="true">
              Next
            </span>
          }
        >
          <A class="button button--small" href={props.hrefFor(props.page + 1)}>
            Next
          </A>
        </Show>
      </span>
    </nav>
  );
}
