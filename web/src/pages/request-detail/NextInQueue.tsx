import { DEFAULT_PAGE_SIZE } from "@gantry/shared/api/paging";
import { A, createAsync } from "@solidjs/router";
import { Show, Suspense } from "solid-js";
import { formatDuration } from "../../lib/format.ts";
import { getPendingApprovals } from "../../lib/queries.ts";

/**
 * After an admin decided on a request: the oldest other request waiting for them (not their own, which
 * another admin decides), so they can go on without going back to the queue.
 */
export function NextInQueue(props: { decided: string; adminId: string }) {
  const queue = createAsync(() => getPendingApprovals({ page: 1, pageSize: DEFAULT_PAGE_SIZE }));
  const next = () =>
    queue()?.items.find((r) => r.requestId !== props.decided && r.requester.id !== props.adminId);
  return (
    <Suspense>
      <Show when={queue()}>
        <div class="notice notice--info next-in-queue" data-testid="next-in-queue">
          <Show
            when={next()}
            fallback={
              <p>
                Nothing else is waiting for your approval. <A href="/admin/approvals">Back to the queue</A>
              </p>
            }
          >
            {(r) => (
              <p>
                Next in queue: <strong class="mono">{r().name}</strong> by {r().requester.name}, waiting{" "}
                {formatDuration(r().waitingMs / 1000)}.{" "}
                <A href={`/requests/${r().requestId}`} class="button button--small button--primary">
                  Open next request
                </A>
              </p>
            )}
          </Show>
        </div>
      </Show>
    </Suspense>
  );
}
