import { For, type JSX, Show } from "solid-js";
import { EmptyState } from "./EmptyState.tsx";

/**
 * A list shown as a table, or its empty state: the frame every settings and admin list shares (the
 * caption for screen readers, column headers, a last header for the row actions when `actions` is
 * set, the mobile card layout through each cell's `data-label`). Rows are the caller's: `children` renders
 * one `<tr>` per item.
 */
export function DataTable<T>(props: {
  caption: string;
  columns: readonly string[];
  /** a last, visually hidden "Actions" header for a column of row buttons */
  actions?: boolean;
  rows: readonly T[];
  empty: string;
  children: (row: T) => JSX.Element;
}) {
  return (
    <Show when={props.rows.length > 0} fallback={<EmptyState title={props.empty} />}>
      <div class="table-frame">
        <table class="data-table">
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              <For each={props.columns}>{(column) => <th scope="col">{column}</th>}</For>
              <Show when={props.actions}>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>{(row) => props.children(row)}</For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}

/** A name as the settings lists show it: the name, its slug or code, and "(archived)" once it is. */
export function NamedCell(props: {
  name: JSX.Element;
  code: string;
  ended: string | null;
  endedWord: string;
}) {
  return (
    <>
      {props.name} <span class="muted mono">{props.code}</span>
      <Show when={props.ended}>
        {" "}
        <span class="muted">({props.endedWord})</span>
      </Show>
    </>
  );
}
