import type { RequestSummary } from "@gantry/shared/api/requests";
import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import { formatDateTime } from "../lib/format.ts";
import { StatusBadge } from "./StatusBadge.tsx";

/** Requests as a table on desktop and as labelled cards on a phone. */
export function RequestTable(props: {
  caption: string;
  requests: readonly RequestSummary[];
  showRequester?: boolean;
}) {
  return (
    <div class="table-frame">
      <table class="data-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">VM name</th>
            <Show when={props.showRequester}>
              <th scope="col">Requested by</th>
            </Show>
            <th scope="col">Project</th>
            <th scope="col">Size</th>
            <th scope="col">Status</th>
            <th scope="col">Requested</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.requests}>
            {(request) => (
              <tr data-request-id={request.requestId}>
                <td data-label="VM name">
                  <A href={`/requests/${request.requestId}`} class="mono">
                    {request.name}
                  </A>
                </td>
                <Show when={props.showRequester}>
                  <td data-label="Requested by">{request.requester.name}</td>
                </Show>
                <td data-label="Project">{request.projectName ?? request.projectId}</td>
                <td data-label="Size">{request.size}</td>
                <td data-label="Status">
                  <StatusBadge status={request.status} />
                </td>
                <td data-label="Requested" class="tabular">
                  <time dateTime={request.createdAt}>{formatDateTime(request.createdAt)}</time>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
