import type { PageSize } from "@gantry/shared/api/paging";
import { A, createAsync, useNavigate, useSearchParams } from "@solidjs/router";
import { createMemo, Match, Show, Switch } from "solid-js";
import { ApprovalTable } from "../components/ApprovalTable.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { LeftoverNotice } from "../components/LeftoverNotice.tsx";
import { Pager } from "../components/Pager.tsx";
import { QueueFilter } from "../components/QueueFilter.tsx";
import { readListParams } from "../lib/list-params.ts";
import { getPendingApprovals, getProjects } from "../lib/queries.ts";
import { ResizeQueue } from "./approvals/ResizeQueue.tsx";

const DEFAULT_PAGE_SIZE = 25;

interface QueueParams {
  page: number;
  pageSize: PageSize;
  projectId: string | null;
}

function queueSearch(params: QueueParams): string {
  const search = new URLSearchParams();
  if (params.projectId) search.set("project", params.projectId);
  if (params.pageSize !== DEFAULT_PAGE_SIZE) search.set("size", String(params.pageSize));
  if (params.page > 1) search.set("page", String(params.page));
  const text = search.toString();
  return `/admin/approvals${text ? `?${text}` : ""}`;
}

/** Pending requests of the tenant, oldest first; more than 48 h of waiting is highlighted. */
export default function ApprovalsPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const projects = createAsync(() => getProjects());
  const params = createMemo((): QueueParams => {
    const raw = new URLSearchParams();
    for (const key of ["page", "size"] as const) {
      const value = search[key];
      if (typeof value === "string") raw.set(key, value);
    }
    const list = readListParams(raw, DEFAULT_PAGE_SIZE);
    const project = typeof search.project === "string" ? search.project : null;
    return { page: list.page, pageSize: list.pageSize, projectId: project };
  });
  const queue = createAsync(() => {
    const { page, pageSize, projectId } = params();
    return getPendingApprovals({ page, pageSize, ...(projectId ? { projectId } : {}) });
  });
  const longWaits = createMemo(() => queue()?.items.filter((r) => r.waitingLong).length ?? 0);
  const go = (next: Partial<QueueParams>) => navigate(queueSearch({ ...params(), page: 1, ...next }));

  return (
    <>
      <div class="page-header">
        <h1>Approval queue</h1>
      </div>
      <LeftoverNotice />
      <QueueFilter
        projects={projects() ?? []}
        projectId={params().projectId}
        pageSize={params().pageSize}
        onProject={(projectId) => go({ projectId })}
        onPageSize={(pageSize) => go({ pageSize })}
      />
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
                hrefFor={(n) => queueSearch({ ...params(), page: n })}
              />
            </Match>
          </Switch>
        )}
      </Show>
      <ResizeQueue projectId={params().projectId} />
    </>
  );
}
