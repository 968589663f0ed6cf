import type { ApiToken } from "@gantry/shared/api/tokens";
import { For, type JSX, Show } from "solid-js";
import { formatDateTime, formatRelative } from "../../lib/format.ts";

const state = (t: ApiToken, now: Date): string => {
  if (t.revokedAt) return `revoked ${formatRelative(t.revokedAt, now)}`;
  if (Date.parse(t.expiresAt) <= now.getTime()) return "expired";
  return `until ${formatDateTime(t.expiresAt)}`;
};

/** Tokens as a list shows them: name, scopes, owner (when listing everyone's), times, and a row action. */
export function TokenTable(props: {
  tokens: readonly ApiToken[];
  now: Date;
  showOwner: boolean;
  action: (token: ApiToken) => JSX.Element;
}) {
  return (
    <div class="table-frame">
      <table class="data-table">
        <caption class="visually-hidden">API tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <Show when={props.showOwner}>
              <th scope="col">Owner</th>
            </Show>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Valid</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.tokens}>
            {(t) => (
              <tr data-token={t.tokenId} data-revoked={t.revokedAt ? "true" : "false"}>
                <td data-label="Name">{t.name}</td>
                <Show when={props.showOwner}>
                  <td data-label="Owner">{t.owner.name}</td>
                </Show>
                <td data-label="Scopes">{t.scopes.join(", ")}</td>
                <td data-label="Created" class="tabular">
                  {formatDateTime(t.createdAt)}
                </td>
                <td data-label="Valid" class="tabular">
                  {state(t, props.now)}
                </td>
                <td data-label="Last used" class="tabular">
                  {t.lastUsedAt ? formatRelative(t.lastUsedAt, props.now) : "never"}
                </td>
                <td data-label="Actions">{props.action(t)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
