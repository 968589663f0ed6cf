import type { VmDetail } from "@gantry/shared/api/vms";
import { A } from "@solidjs/router";
import { Show } from "solid-js";
import { CopyButton } from "../../components/CopyButton.tsx";
import { LeaseExpiry } from "../../components/LeaseExpiry.tsx";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { POWER_LABELS, specText } from "../../lib/vm-view.ts";

/** What the VM is: where, how big, how to reach it, whose, since when. */
export function VmFacts(props: { vm: VmDetail["vm"]; now: Date }) {
  const power = () => POWER_LABELS[props.vm.powerState];
  return (
    <section class="card" aria-labelledby="vm-facts-title">
      <h2 id="vm-facts-title">Facts</h2>
      <dl class="facts">
        <dt>Power</dt>
        <dd data-testid="vm-power">
          <span class={`badge badge--${power().tone}`}>{power().label}</span>
        </dd>
        <dt>IP address</dt>
        <dd>
          <Show when={props.vm.ipAddress} fallback={<span class="muted">No address</span>}>
            {(ip) => (
              <>
                <span class="mono" data-testid="vm-ip">
                  {ip()}
                </span>{" "}
                <CopyButton value={ip()} what="IP address" />
              </>
            )}
          </Show>
        </dd>
        <dt>Hostname</dt>
        <dd>
          <Show when={props.vm.hostname} fallback={<span class="muted">—</span>}>
            {(host) => (
              <>
                <span class="mono" data-testid="vm-hostname">
                  {host()}
                </span>{" "}
                <CopyButton value={host()} what="hostname" />
              </>
            )}
          </Show>
        </dd>
        <dt>Size</dt>
        <dd data-testid="vm-size">
          {props.vm.size} <span class="muted">({specText(props.vm.spec)})</span>
        </dd>
        <dt>Project</dt>
        <dd>{props.vm.projectName ?? props.vm.projectId}</dd>
        <dt>Site</dt>
        <dd>{props.vm.siteName}</dd>
        <dt>Name in vCenter</dt>
        <dd class="mono">{props.vm.vmName}</dd>
        <dt>Owner</dt>
        <dd>{props.vm.owner.name}</dd>
        <dt>Ready since</dt>
        <dd class="tabular">
          <time dateTime={props.vm.createdAt}>{formatDateTime(props.vm.createdAt)}</time>{" "}
          <span class="muted">({formatRelative(props.vm.createdAt, props.now)})</span>
        </dd>
        <Show when={props.vm.expiresAt}>
          <dt>Expires</dt>
          <dd class="tabular">
            <LeaseExpiry vm={props.vm} />
          </dd>
        </Show>
        <dt>Request</dt>
        <dd>
          <A href={`/requests/${props.vm.requestId}`}>The request that built it</A>
        </dd>
      </dl>
    </section>
  );
}
