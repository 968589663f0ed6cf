import type { JSX } from "solid-js";

export function EmptyState(props: { title: string; children?: JSX.Element }) {
  return (
    <div class="empty-state card">
      <h2>{props.title}</h2>
      {props.children}
    </div>
  );
}
