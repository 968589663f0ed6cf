import type { VmLiveStatus } from "@gantry/shared/jobs/inventory";
import { type JSX, Match, Show, Switch } from "solid-js";
import { plainMessage } from "../lib/api-errors.ts";
import { formatClock } from "../lib/format.ts";
import type { VmAccess } from "../lib/vm-access.ts";
import { CopyButton } from "./CopyButton.tsx";
import { LeaseExpiry } from "./LeaseExpiry.tsx";

const POWER: Record<VmLiveStatus["powerState"], { label: string; tone: string }> = {
  poweredOn: { label: "Running", tone: "success" },
  poweredOff: { label: "Powered off", tone: "neutral" },
  suspended: { label: "Suspended", tone: "warning" },
  unknown: { label: "Unknown", tone: "neutral" },
};

const PENDING = "Appears when the VM is ready";

/** A value people copy: shown in mono with a Copy button, or a placeholder until there is one. */
function Copyable(props: { value: string | null; what: string; fallback: string; testId: string }) {
  return (
    <dd data-testid={props.testId}>
      <Show when={props.value} fallback={<span class="muted">{props.fallback}</span>}>
        {(value) => (
          <span class="copyable">
            <span class="mono">{value()}</span>
            <CopyButton value={value()} what={props.what} />
          </span>
        )}
      </Show>
    </dd>
  );
}

function LiveStatus(props: { live: VmLiveStatus | undefined }): JSX.Element {
  return (
    <Switch fallback={<span class="muted">Not checked yet</span>}>
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
  );
}

/**
 * The VM once it exists: its address, names and how to log in, each with a Copy button, and its live
 * power state. Drawn with placeholders from approval on, so its arrival never pushes the page down;
 * what only a built VM has (its power state, "Refresh status") appears with it.
 */
export function VmDetails(props: {
  ready: boolean;
  /** the run failed: there is no VM to describe */
  failed: boolean;
  ipAddress: string | null;
  hostname: string | null;
  vmName: string | null;
  access: VmAccess;
  warning: string | null;
  /** when the VM's lease ends; null without one */
  expiresAt: string | null;
  live: VmLiveStatus | undefined;
  liveError: unknown;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const whenReady = (value: string | null) => (props.ready ? value : null);
  return (
    <section class="card vm-card" aria-labelledby="vm-details-title" data-ready={props.ready}>
      <h2 id="vm-details-title">VM</h2>
      <Show when={!props.failed} fallback={<p class="muted">No VM was created.</p>}>
        <dl class="facts">
          <dt>IP address</dt>
          <Copyable
            testId="vm-ip"
            what="IP address"
            value={whenReady(props.ipAddress)}
            fallback={props.ready ? "No address yet" : PENDING}
          />
          <dt>Hostname</dt>
          <Copyable
            testId="vm-hostname"
            what="hostname"
            value={whenReady(props.hostname)}
            fallback={props.ready ? "—" : PENDING}
          />
          <Show when={props.ready && props.access.fqdn}>
            <dt>FQDN</dt>
            <Copyable testId="vm-fqdn" what="FQDN" value={props.access.fqdn} fallback="" />
          </Show>
          <Show when={props.ready && props.access.login}>
            <dt>Log in</dt>
            <Copyable testId="vm-login" what="login command" value={props.access.login} fallback="" />
          </Show>
          <dt>Name in vCenter</dt>
          <dd>
            <Show when={props.vmName} fallback={<span class="muted">{PENDING}</span>}>
              {(name) => <span class="mono">{name()}</span>}
            </Show>
          </dd>
          {/* the row is there from READY on (the lease starts with it), its date filled in when it arrives:
              a row appearing a moment after the others would move the page under the reader */}
          <Show when={props.ready}>
            <dt>Expires</dt>
            <dd>
              <Show when={props.expiresAt} fallback={<span class="muted">—</span>}>
                {(at) => <LeaseExpiry vm={{ expiresAt: at(), lease: null }} />}
              </Show>
            </dd>
          </Show>
          <Show when={props.ready}>
            <dt>Status</dt>
            <dd data-testid="vm-power">
              <LiveStatus live={props.live} />
            </dd>
          </Show>
        </dl>
      </Show>
      <Show when={props.warning}>{(warning) => <p class="notice notice--warning">{warning()}</p>}</Show>
      <Show when={props.liveError}>
        <p class="field__error" role="alert">
          Could not read the VM's status: {plainMessage(props.liveError)}
        </p>
      </Show>
      <Show when={props.ready && !props.failed}>
        <div class="card__actions">
          <button
            type="button"
            class="button button--small"
            onClick={() => props.onRefresh()}
            disabled={props.refreshing}
            aria-busy={props.refreshing}
          >
            {props.refreshing ? "Checking…" : "Refresh status"}
          </button>
        </div>
      </Show>
    </section>
  );
}
