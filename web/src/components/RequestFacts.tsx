import type { RequestDetail } from "@gantry/shared/api/requests";
import { Show } from "solid-js";
import { formatDateTime } from "../lib/format.ts";
import { requestedNetworkText } from "../lib/network-name.ts";

type DetailRequest = RequestDetail["request"];

// what the recorded decision was: the requester withdrawing is no admin's decision
const DECIDED: Partial<Record<DetailRequest["status"], string>> = {
  REJECTED: "Rejected by",
  CANCELLED: "Cancelled by",
};

/** The request's summary: who asked for what, for which project and network, and why. */
export function RequestFacts(props: { request: DetailRequest; viewerId: string }) {
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
        <dt>Network</dt>
        <dd data-testid="request-network">{requestedNetworkText(props.request.network)}</dd>
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
              <dt>{DECIDED[props.request.status] ?? "Approved by"}</dt>
              <dd data-testid="decided-by">
                {decision().by === props.viewerId ? "You" : (decision().byName ?? decision().by)} ·{" "}
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
