import type { TimelineEntry } from "@gantry/shared/api/requests";
import type { VmTimelineEntry } from "@gantry/shared/api/vms";
import { For, Show } from "solid-js";
import { formatDateTime, formatDuration } from "../lib/format.ts";
import { splitInstants } from "../lib/instants.ts";

const tookText = (ms: number) => (ms < 1000 ? "under 1 s" : formatDuration(ms / 1000));

/** What both histories have in common: a request's entries and a VM's. */
type Entry = Pick<
  TimelineEntry | VmTimelineEntry,
  "at" | "kind" | "actor" | "title" | "detail" | "technicalDetail"
> & {
  durationMs?: number;
};

const actorText = (entry: Entry): string => {
  switch (entry.actor.kind) {
    case "user":
      return entry.actor.name ?? "A user";
    case "token":
      return `${entry.actor.name ?? "A user"} (API token)`;
    case "agent":
      return entry.actor.name ? `Agent ${entry.actor.name}` : "The agent";
    case "system":
      return "Gantry";
    case "policy":
      return "Approval policy";
  }
};

/** An entry's words with each instant in them shown as a formatted, machine-readable time. */
function WordsWithTimes(props: { text: string }) {
  return (
    <For each={splitInstants(props.text)}>
      {(part) =>
        "instant" in part ? <time dateTime={part.instant}>{formatDateTime(part.instant)}</time> : part.text
      }
    </For>
  );
}

/**
 * Every event of a request or a VM, oldest first: who did what and why; a stage that ended says how
 * long it took.
 */
export function Timeline(props: { entries: readonly Entry[]; label?: string }) {
  return (
    <ol class="timeline" aria-label={props.label ?? "Request history"}>
      <For each={props.entries}>
        {(entry) => (
          <li data-kind={entry.kind}>
            <div class="timeline__title">{entry.title}</div>
            <div class="timeline__meta tabular">
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · {actorText(entry)}
              <Show when={entry.durationMs !== undefined}>
                <span data-testid="stage-duration"> · took {tookText(entry.durationMs ?? 0)}</span>
              </Show>
            </div>
            <Show when={entry.detail}>
              {(detail) => (
                <p>
                  <WordsWithTimes text={detail()} />
                </p>
              )}
            </Show>
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
  );
}
