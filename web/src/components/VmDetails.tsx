import type { VmLiveStatus } from "@gantry/shared/jobs/inventory";
import { Match, Show, Switch } from "solid-js";
import { plainMessage } from "../lib/api-errors.ts";
import { formatClock } from "../lib/format.ts";

const POWER: Record<VmLiveStatus["powerState"], { label: string; tone: string }> = {
  poweredOn: { label: "Running", tone: "success" },
  poweredOff: { label: "Powered off", tone: "neutral" },
  suspended: { label: "Suspended", tone: "warning" },
  unknown: { label: "Unknown", tone: "neutral" },
};

/**
 * The VM once it exists. The card is drawn (with placeholders) from approval on, so its arrival
 * never pushes the rest of the page down.
 */
export function VmDetails(props: {
  ready: boolean;
  /** the run failed: there is no VM to describe */
  failed: boolean;
  ipAddress: string | null;
  hostname: string | null;
  vmName: string | null;
  warning: string | null;
  live: VmLiveStatus | undefined;
  liveError: unknown;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const pending = "Appears when the VM is ready";
  return (
    <section class="card" aria-labelledby="vm-details-title">
      <h2 id="vm-details-title">VM</h2>
      <Show when={!props.failed} fallback={<p class="muted">No VM was created.</p>}>
        <dl class="facts">
          <dt>IP address</dt>
          <dd data-testid="vm-ip">
            <Show when={props.ready} fallback={<span class="muted">{pending}</span>}>
              <span class="mono">{props.ipAddress ?? "No address yet"}</span>
            </Show>
          </dd>
          <dt>Hostname</dt>
          <dd data-testid="vm-hostname">
            <Show when={props.ready} fallback={<span class="muted">{pending}</span>}>
              <span class="mono">{props.hostname ?? "—"}</span>
            </Show>
          </dd>
          <dt>Name in vCenter</dt>
          <dd>
            <Show when={props.vmName} fallback={<span class="muted">{pending}</span>}>
              {(name) => <span class="mono">{name()}</span>}
            </Show>
          </dd>
          <dt>Status</dt>
          <dd data-testid="vm-power">
            <Switch fallback={<span class="muted">{props.ready ? "Not checked yet" : pending}</span>}>
              <Match when={props.live}>
                {(live) => (
                  <>
                    <span class={`badge badge--${POWER[live().powerState].tone}`}>
                      {POWER[live().powerState].label}
                    </span>{" "}
                    <span class="muted tabular">checked {formatClock(live().checkedAt)}</span>
                  </>
                )}
              </Match>
            </Switch>
          </dd>
        </dl>
      </Show>
      <Show when={props.warning}>{(warning) => <p class="notice notice--warning">{warning()}</p>}</Show>
      <Show when={props.liveError}>
        <p class="field__error" role="alert">
          Could not read the VM's status: {plainMessage(props.liveError)}
        </p>
      </Show>
      <Show when={!props.failed}>
        {/* drawn before the VM exists, so its arrival does not move anything */}
        <div class="card__actions">
          <button
            type="button"
            class="button button--small"
            onClick={() => props.onRefresh()}
            disabled={!props.ready || props.refreshing}
            aria-busy={props.refreshing}
          >
            {props.refreshing ? "Checking…" : "Refresh status"}
          </button>
        </div>
      </Show>
    </section>
  );
}
