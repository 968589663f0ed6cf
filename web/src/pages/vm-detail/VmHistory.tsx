import type { VmTimelineEntry } from "@gantry/shared/api/vms";
import { Timeline } from "../../components/Timeline.tsx";

/** Every event of the VM, oldest first: who did what and why, drift and its end. */
export function VmHistory(props: { entries: readonly VmTimelineEntry[] }) {
  return (
    <section class="card" aria-labelledby="vm-history-title">
      <h2 id="vm-history-title">History</h2>
      <Timeline entries={props.entries} label="VM history" />
    </section>
  );
}
