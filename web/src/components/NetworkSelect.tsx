import type { ProjectNetworks } from "@gantry/shared/api/catalog";
import { For, Show } from "solid-js";
import { FieldError } from "./FieldError.tsx";

/**
 * The network picker: the site default first, then every network the site's agent reported. "" means
 * the default, so a request made before the agent ever reported still has a valid choice. Without
 * `networks` (while a project's networks load) it stays in place, disabled.
 */
export function NetworkSelect(props: {
  networks: ProjectNetworks | undefined;
  value: string;
  error: string | null;
  onChange: (path: string) => void;
}) {
  const others = () => (props.networks?.networks ?? []).filter((n) => n.path !== props.networks?.defaultPath);
  const defaultName = () => {
    const path = props.networks?.defaultPath;
    return props.networks?.networks.find((n) => n.path === path)?.name ?? path?.split("/").at(-1) ?? "";
  };
  const loading = () => props.networks === undefined;
  return (
    <div class="field">
      <label for="network">Network</label>
      <select
        id="network"
        name="networkPath"
        class="select"
        value={props.value}
        disabled={loading()}
        aria-busy={loading()}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        aria-invalid={props.error ? "true" : "false"}
        aria-describedby="network-hint network-error"
      >
        <Show
          when={!loading()}
          fallback={
            <option value="" selected>
              Loading networks…
            </option>
          }
        >
          <option value="" selected={props.value === ""}>
            {defaultName() ? `${defaultName()} (site default)` : "Site default"}
          </option>
          <For each={others()}>
            {(n) => (
              <option value={n.path} selected={n.path === props.value}>
                {n.name}
              </option>
            )}
          </For>
        </Show>
      </select>
      <span id="network-hint" class="field__hint">
        <Show
          when={loading() || props.networks?.reportedAt}
          fallback="The site's agent has not reported its networks yet; the VM joins the site default."
        >
          From the networks vCenter reported to the site's agent.
        </Show>
      </span>
      <FieldError id="network-error" message={props.error} />
    </div>
  );
}
