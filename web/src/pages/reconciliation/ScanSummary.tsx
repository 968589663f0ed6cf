import type { LastScan } from "@gantry/shared/api/reconciliation";
import { Show } from "solid-js";
import { formatDateTime } from "../../lib/format.ts";

const TRIGGERS: Record<LastScan["trigger"], string> = {
  schedule: "the hourly schedule",
  reconnect: "an agent reconnecting",
  "on-demand": "an admin",
};

/** When the site was last scanned, by which agent, how long it took and what it cost vCenter. */
export function ScanSummary(props: { scan: LastScan | null }) {
  return (
    <section
      class="card"
      aria-labelledby="last-scan-title"
      data-testid="last-scan"
      data-scan-id={props.scan?.scanId ?? ""}
    >
      <h2 id="last-scan-title">Last scan</h2>
      <Show when={props.scan} fallback={<p>This site has not been scanned yet.</p>}>
        {(scan) => (
          <dl class="facts">
            <dt>When</dt>
            <dd>
              {formatDateTime(scan().finishedAt)}, started by {TRIGGERS[scan().trigger]}
            </dd>
            <dt>Agent</dt>
            <dd class="mono">{scan().agentId}</dd>
            <dt>Took</dt>
            <dd>
              {scan().durationMs} ms, {scan().roundTrips} vCenter round trips
            </dd>
            <dt>Found</dt>
            <dd>
              {scan().markerVms} VM(s) with Gantry's marker: {scan().unowned} unowned, {scan().missing} newly
              missing, {scan().drifted} changed outside Gantry, {scan().reappeared} back
            </dd>
          </dl>
        )}
      </Show>
    </section>
  );
}
