import type { PersonRef, RequestSummary } from "@gantry/shared/api/requests";
import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import { formatDateTime } from "../lib/format.ts";
import { StatusBadge } from "./StatusBadge.tsx";

/** For admins deciding: who asked, and what else they asked for recently. */
export function RequesterContext(props: { requester: PersonRef; recent: readonly RequestSummary[] }) {
  return (
    <section class="card" aria-labelledby="requester-title" data-testid="requester">
      <h2 id="requester-title">Requester</h2>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{props.requester.name}</dd>
        <dt>Email</dt>
        <dd>{props.requester.email}</dd>
      </dl>
      <h3 class="subheading">Their recent requests</h3>
      <Show when={props.recent.length > 0} fallback={<p class="muted">No other requests.</p>}>
        <ul class="compact-list" aria-label={`Recent requests by ${props.requester.name}`}>
          <For each={props.recent}>
            {(r) => (
              <li>
                <A href={`/requests/${r.requestId}`} class="mono">
                  {r.name}
                </A>
                <StatusBadge status={r.status} />
                <span class="muted tabular">{formatDateTime(r.createdAt)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
