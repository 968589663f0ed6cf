import { A, createAsync, useNavigate, useSearchParams } from "@solidjs/router";
import { createMemo, Match, Show, Switch } from "solid-js";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { Pager } from "../components/Pager.tsx";
import { RequestTable } from "../components/RequestTable.tsx";
import { StatusFilter } from "../components/StatusFilter.tsx";
import { type ListParams, listSearch, readListParams } from "../lib/list-params.ts";
import { getMyRequests } from "../lib/queries.ts";
import { statusLabel } from "../lib/request-status.ts";

export default function RequestsPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const params = createMemo(() => {
    const raw = new URLSearchParams();
    for (const key of ["page", "size", "status"] as const) {
      const value = search[key];
      if (typeof value === "string") raw.set(key, value);
    }
    return readListParams(raw);
  });
  const requests = createAsync(() =>
    getMyRequests({ page: params().page, pageSize: params().pageSize, status: params().status ?? undefined }),
  );

  const go = (next: Partial<ListParams>) =>
    navigate(`/requests${listSearch({ ...params(), page: 1, ...next })}`);
  const filterLabel = createMemo(() => {
    const status = params().status;
    return status ? statusLabel(status) : "";
  });
  const filter = () => (
    <StatusFilter
      status={params().status}
      pageSize={params().pageSize}
      onStatus={(status) => go({ status })}
      onPageSize={(pageSize) => go({ pageSize })}
    />
  );
  const pageCount = createMemo(() => {
    const page = requests();
    return page ? Math.ceil(page.total / page.pageSize) : 1;
  });

  return (
    <>
      <PageHeader title="My requests">
        <A href="/requests/new" class="button button--primary">
          New request
        </A>
      </PageHeader>
      <Show when={requests()}>
        {(page) => (
          <Switch>
            <Match when={page().total === 0 && params().status === null}>
              <EmptyState title="You have no requests yet">
                <p>Ask for a VM: pick a project and a size, say what it is for, and an admin approves it.</p>
                <A href="/requests/new" class="button button--primary">
                  Request your first VM
                </A>
              </EmptyState>
            </Match>
            <Match when={page().total === 0}>
              {filter()}
              <EmptyState title={`No requests with status “${filterLabel()}”`}>
                <A href="/requests" class="button">
                  Show all requests
                </A>
              </EmptyState>
            </Match>
            <Match when={page().total > 0}>
              {filter()}
              <RequestTable caption="My requests, newest first" requests={page().items} />
              <Pager
                label="My requests pages"
                page={page().page}
                pageCount={pageCount()}
                total={page().total}
                hrefFor={(n) => `/requests${listSearch({ ...params(), page: n })}`}
              />
            </Match>
          </Switch>
        )}
      </Show>
    </>
  );
}
