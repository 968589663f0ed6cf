import { For, Show } from "solid-js";

export interface CheckView {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

/** The result of "test vCenter connection": each check, and plainly which ones failed. */
export function ConnectionChecks(props: { checks: readonly CheckView[]; failed: readonly string[] }) {
  return (
    <div data-testid="connection-result">
      <Show
        when={props.failed.length > 0}
        fallback={
          <p class="notice notice--success" role="status">
            All checks passed: the agent can reach vCenter with this placement.
          </p>
        }
      >
        <p class="notice notice--danger" role="alert">
          Failed: {props.failed.join(", ")}.
        </p>
      </Show>
      <ul class="compact-list" aria-label="Connection checks">
        <For each={props.checks}>
          {(check) => (
            <li>
              <span class={`badge badge--${check.ok ? "success" : "danger"}`}>
                {check.ok ? "OK" : "Failed"}
              </span>
              <strong>{check.name}</strong>
              <span class="muted">{check.detail}</span>
              <Show when={!check.ok && check.hint}>{(hint) => <span>What to do: {hint()}</span>}</Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
