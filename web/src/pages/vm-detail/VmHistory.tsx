import type { VmTimelineEntry } from "@gantry/shared/api/vms";
import { For, Show } from "solid-js";
import { formatDateTime } from "../../lib/format.ts";

const actorText = (entry: VmTimelineEntry): string => {
  switch (entry.actor.kind) {
    case "user":
      return entry.actor.name ?? "A user";
    case "agent":
      return entry.actor.name ? `Agent ${entry.actor.name}` : "The agent";
    case "system":
      return "Gantry";
  }
};

/** Every event of the VM, oldest first: who did what and why, drift and its end. */
export function VmHistory(props: { entries: readonly VmTimelineEntry[] }) {
  return (
    <section class="card" aria-labelledby="vm-history-title">
      <h2 id="vm-history-title">History</h2>
      <ol class="timeline" aria-label="VM history">
        <For each={props.entries}>
          {(entry) => (
            <li data-kind={entry.kind}>
              <div class="timeline__title">{entry.title}</div>
              <div class="timeline__meta tabular">
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · {actorText(entry)}
              </div>
              <Show when={entry.detail}>{(detail) => <p>{detail()}</p>}</Show>
              <Show when={entry.technicalDetail}>
                {(technical) => (
                  <details>
                    <summary>Technical detail</summary>
                    <pre class="mono">{technical()}</pre>
                  </details>
                )}
              </Show>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
