import type { PendingRequest } from "@gantry/shared/api/approvals";
import { A } from "@solidjs/router";
import { For, type JSX, Show } from "solid-js";
import { formatDateTime, formatDuration } from "../lib/format.ts";
import { requestedNetworkText } from "../lib/network-name.ts";
import { ApprovalsBadge } from "./ApprovalProgress.tsx";

/**
 * The approval queue, oldest first; requests waiting more than 48 h are highlighted and labelled.
 * `actions` renders each row's decision buttons.
 */
export function ApprovalTable(props: {
  requests: readonly PendingRequest[];
  actions: (request: PendingRequest) => JSX.Element;
}) {
  return (
    <div class="table-frame">
      <table class="data-table">
        <caption class="visually-hidden">Requests waiting for approval, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">VM name</th>
            <th scope="col">Requested by</th>
            <th scope="col">Project</th>
            <th scope="col">Size</th>
            <th scope="col">Network</th>
            <th scope="col">Waiting</th>
            <th scope="col">
              <span class="visually-hidden">Decision</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.requests}>
            {(request) => (
              <tr
                classList={{ "is-highlighted": request.waitingLong }}
                data-request-id={request.requestId}
                data-created-at={request.createdAt}
                data-waiting-long={request.waitingLong ? "true" : "false"}
              >
                <td data-label="VM name">
                  <A href={`/requests/${request.requestId}`} class="mono">
                    {request.name}
                  </A>
                </td>
                <td data-label="Requested by">{request.requester.name}</td>
                <td data-label="Project">{request.projectName ?? request.projectId}</td>
                <td data-label="Size">{request.size}</td>
                <td data-label="Network">{requestedNetworkText(request.network)}</td>
                <td data-label="Waiting" class="tabular">
                  <span title={formatDateTime(request.createdAt)}>
                    {formatDuration(request.waitingMs / 1000)}
                  </span>
                  <Show when={request.waitingLong}>
                    {" "}
                    <span class="badge badge--warning">Waiting long</span>
                  </Show>
                  <ApprovalsBadge approvals={request.approvals} />
                </td>
                <td data-label="Decision">{props.actions(request)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
