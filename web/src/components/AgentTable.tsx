import { For, type JSX, Show } from "solid-js";
import { formatRelative } from "../lib/format.ts";

export interface AgentView {
  agentId: string;
  name: string;
  site: string;
  version: string | null;
  connected: boolean;
  revoked: boolean;
  /** revoked, but the site's hub has not confirmed closing it yet (retried; Revoke stays offered) */
  revocationPending: boolean;
  lastSeenAt: string | null;
  jobsInFlight: number;
  /** the edge's current release when newer than this agent's version */
  upgradeTo: string | null;
  /** a second live connection with this agent's credential was refused (a copy of it is running) */
  duplicateConnection: { alertAt: string; refusedAt: string; refusedFrom: string } | null;
}

/** The tenant's agents: connected?, version, last seen, jobs; `actions` renders per-row buttons. */
export function AgentTable(props: {
  agents: readonly AgentView[];
  now: Date;
  actions: (agent: AgentView) => JSX.Element;
}) {
  return (
    <div class="table-frame">
      <table class="data-table">
        <caption class="visually-hidden">Agents</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Site</th>
            <th scope="col">Connection</th>
            <th scope="col">Version</th>
            <th scope="col">Last seen</th>
            <th scope="col">Jobs running</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.agents}>
            {(agent) => (
              <tr data-agent={agent.name}>
                <td data-label="Agent">
                  <span class="mono">{agent.name}</span>
                </td>
                <td data-label="Site">{agent.site}</td>
                <td data-label="Connection">
                  <Show
                    when={!agent.revoked}
                    fallback={
                      <span class="badge badge--neutral" data-testid="agent-connection">
                        {agent.revocationPending ? "Revoking…" : "Revoked"}
                      </span>
                    }
                  >
                    <span
                      class={`badge badge--${agent.connected ? "success" : "danger"}`}
                      data-testid="agent-connection"
                    >
                      {agent.connected ? "Connected" : "Disconnected"}
                    </span>
                  </Show>
                  <Show when={!agent.revoked && agent.duplicateConnection}>
                    {(alert) => (
                      <p class="notice notice--danger" role="alert" data-testid="agent-duplicate">
                        A second copy of this agent tried to connect from {alert().refusedFrom} (
                        {formatRelative(alert().refusedAt, props.now)}) while it was connected. If that was
                        not you, revoke it and enroll it again.
                      </p>
                    )}
                  </Show>
                </td>
                <td data-label="Version">
                  <span class="mono">{agent.version ?? "—"}</span>
                  <Show when={agent.upgradeTo}>
                    {(to) => (
                      <span
                        class="badge badge--warning"
                        data-testid="agent-upgrade"
                        title={`Run "sudo gantry-agent upgrade" on the agent's host`}
                      >
                        {`Upgrade to ${to()} available`}
                      </span>
                    )}
                  </Show>
                </td>
                <td data-label="Last seen" class="tabular">
                  {/* a connected agent is seen right now; its heartbeats are not pushed to the page */}
                  {agent.connected
                    ? "Now"
                    : agent.lastSeenAt
                      ? formatRelative(agent.lastSeenAt, props.now)
                      : "Never"}
                </td>
                <td data-label="Jobs running" class="tabular">
                  {agent.jobsInFlight}
                </td>
                <td data-label="Actions">{props.actions(agent)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
