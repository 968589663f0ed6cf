import type { VmListItem } from "@gantry/shared/api/vms";
import { Show } from "solid-js";
import { createNow } from "../lib/create-now.ts";
import { formatDateTime } from "../lib/format.ts";
import { leaseCountdown } from "../lib/lease-view.ts";

/** When a VM's lease ends, with a countdown (by the second) in its last day; "Never" for VMs without a lease. */
export function LeaseExpiry(props: { vm: Pick<VmListItem, "expiresAt" | "lease"> }) {
  const now = createNow(1000);
  const countdown = () => (props.vm.expiresAt ? leaseCountdown(props.vm.expiresAt, now()) : null);
  return (
    <Show when={props.vm.expiresAt} fallback={<span class="muted">Never</span>}>
      {(at) => (
        <span data-testid="lease-expiry">
          <time dateTime={at()}>{formatDateTime(at())}</time>
          <Show when={props.vm.lease?.phase === "exempt"}>
            {" "}
            <span class="badge badge--neutral">exempt</span>
          </Show>
          <Show when={countdown() && props.vm.lease?.phase !== "exempt"}>
            {" "}
            <span class="badge badge--warning" data-testid="lease-countdown">
              {countdown()}
            </span>
          </Show>
        </span>
      )}
    </Show>
  );
}
