import { createAsync } from "@solidjs/router";
import { ErrorBoundary, Show, Suspense } from "solid-js";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { JobQueueList } from "../../components/JobQueueList.tsx";
import { getSiteQueue } from "../../lib/queries.ts";

/** One site's jobs, each waiting one with the hub's reason. */
export function SiteQueue(props: { siteId: string; siteName: string }) {
  const jobs = createAsync(() => getSiteQueue(props.siteId));
  return (
    <div>
      <h3 class="subheading">{props.siteName}</h3>
      <ErrorBoundary fallback={(error) => <ErrorNotice error={error} />}>
        <Suspense fallback={<p class="muted">Loading…</p>}>
          <Show when={jobs()}>{(list) => <JobQueueList siteName={props.siteName} jobs={list()} />}</Show>
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}
