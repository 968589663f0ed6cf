import { A, createAsync, useSearchParams } from "@solidjs/router";
import { createMemo, Match, Show, Switch } from "solid-js";
import { ApprovalTable } from "../components/ApprovalTable.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { Pager } from "../components/Pager.tsx";
import { createPolling } from "../lib/create-polling.ts";
import { listSearch, readListParams } from "../lib/list-params.ts";
import { getPendingApprovals } from "../lib/queries.ts";

const DEFAULT_PAGE_SIZE = 25;
const REFRESH_MS = 10_000;

export default function ApprovalsPage() {
  const [search] = useSearchParams();
  const params = createMemo(() => {
    const raw = new URLSearchParams();
    for (const key of ["page", "size"] as const) {
      const value = search[key];
      if (typeof value === "string") raw.set(key, value);
    }
    return readListParams(raw, DEFAULT_PAGE_SIZE);
  });
  const queue = createAsync(() => getPendingApprovals({ page: params().page, pageSize: params().pageSize }));
  createPolling(() => getPendingApprovals.key, REFRESH_MS);
  const longWaits = createMemo(() => queue()?.items.filter((r) => r.waitingLong).length ?? 0);

  return (
    <>
      <div class="page-header">
        <h1>Approval queue</h1>
      </div>
      <Show when={queue()}>
        {(page) => (
          <Switch>
            <Match when={page().total === 0}>
              <EmptyState title="Nothing waiting for approval">
                <p>New requests from your team appear here, oldest first.</p>
                <A href="/requests" class="button">
                  Go to my requests
                </A>
              </EmptyState>
            </Match>
            <Match when={page().total > 0}>
              <p class="muted">
                Oldest first. Open a request to see its details and approve or reject it.
                <Show when={longWaits() > 0}> {longWaits()} waiting for more than 48 hours.</Show>
              </p>
              <ApprovalTable requests={page().items} />
              <Pager
                label="Approval queue pages"
                page={page().page}
                pageCount={Math.ceil(page().total / page().pageSize)}
                total={page().total}
                hrefFor={(n) =>
                  `/admin/approvals${listSearch({ ...params(), status: null, page: n }, DEFAULT_PAGE_SIZE)}`
                }
              />
            </Match>
          </Switch>
        )}
      </Show>
    </>
  );
}
