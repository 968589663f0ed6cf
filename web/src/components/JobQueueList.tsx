import { A } from "@solidjs/router";
import { For, Show } from "solid-js";

export interface QueuedJobView {
  jobId: string;
  requestId: string;
  state: string;
  attempt: number;
  waitingText: string | null;
}

const STATE_LABEL: Record<string, string> = {
  queued: "Waiting",
  offered: "Offered",
  leased: "Running",
  running: "Running",
};

/** A site's jobs as its hub sees them; waiting ones say why in a sentence. */
export function JobQueueList(props: { siteName: string; jobs: readonly QueuedJobView[] }) {
  return (
    <Show
      when={props.jobs.length > 0}
      fallback={<p class="muted">No jobs for {props.siteName} right now.</p>}
    >
      <ul class="compact-list" aria-label={`Jobs of ${props.siteName}`}>
        <For each={props.jobs}>
          {(job) => (
            <li data-job={job.jobId}>
              <span class={`badge badge--${job.waitingText ? "warning" : "info"}`}>
                {STATE_LABEL[job.state] ?? job.state}
              </span>
              <A href={`/requests/${job.requestId}`} class="mono">
                {job.requestId}
              </A>
              <Show when={job.attempt > 1}>
                <span class="muted">attempt {job.attempt}</span>
              </Show>
              <Show when={job.waitingText}>
                {(text) => <span data-testid="wait-reason">Waiting because {text()}.</span>}
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
