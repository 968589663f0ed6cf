import type { RequestDetail } from "@gantry/shared/api/requests";
import { Show } from "solid-js";
import { formatDateTime } from "../lib/format.ts";

type DetailRequest = RequestDetail["request"];

/** The request's summary: who asked for what, for which project, and why. */
export function RequestFacts(props: { request: DetailRequest }) {
  return (
    <section class="card" aria-labelledby="summary-title">
      <h2 id="summary-title">Summary</h2>
      <dl class="facts">
        <dt>Project</dt>
        <dd>{props.request.projectName ?? props.request.projectId}</dd>
        <dt>Size</dt>
        <dd>
          {props.request.size} · {props.request.spec.cpu} vCPU · {props.request.spec.memoryGb} GB RAM ·{" "}
          {props.request.spec.diskGb} GB disk
        </dd>
        <dt>Requested by</dt>
        <dd>
          {props.request.requester.name} <span class="muted">({props.request.requester.email})</span>
        </dd>
        <dt>Requested</dt>
        <dd class="tabular">
          <time dateTime={props.request.createdAt}>{formatDateTime(props.request.createdAt)}</time>
        </dd>
        <dt>Justification</dt>
        <dd>{props.request.justification}</dd>
        <Show when={props.request.decision}>
          {(decision) => (
            <>
              <dt>Decided by</dt>
              <dd>
                {decision().byName ?? decision().by} ·{" "}
                <time dateTime={decision().at} class="tabular">
                  {formatDateTime(decision().at)}
                </time>
              </dd>
            </>
          )}
        </Show>
      </dl>
    </section>
  );
}
