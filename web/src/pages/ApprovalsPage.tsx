import { A, createAsync, useNavigate, useSearchParams } from "@solidjs/router";
import { createMemo, Match, Show, Switch } from "solid-js";
import { ApprovalTable } from "../components/ApprovalTable.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { LeftoverNotice } from "../components/LeftoverNotice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { Pager } from "../components/Pager.tsx";
import { QueueFilter } from "../components/QueueFilter.tsx";
import { type ListParams, listSearch, readListParams } from "../lib/list-params.ts";
import { getPendingApprovals, getProjects, getSession } from "../lib/queries.ts";
import { ExtensionQueue } from "./approvals/ExtensionQueue.tsx";
import { QueueDecision } from "./approvals/QueueDecision.tsx";
import { ResizeQueue } from "./approvals/ResizeQueue.tsx";

interface QueueParams extends ListParams {
  projectId: string | null;
}

const queueSearch = ({ projectId, ...list }: QueueParams): string =>
  `/admin/approvals${listSearch(list, { project: projectId })}`;

/**
 * Pending requests of the tenant, oldest first, each decided on its row or on its page; more than 48 h
 * of waiting is highlighted.
 */
export default function ApprovalsPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const projects = createAsync(() => getProjects());
  const session = createAsync(() => getSession());
  const params = createMemo((): QueueParams => {
    const raw = new URLSearchParams();
    for (const key of ["page", "size"] as const) {
      const value = search[key];
      if (typeof value === "string") raw.set(key, value);
    }
    const list = readListParams(raw);
    const project = typeof search.project === "string" ? search.project : null;
    // the queue holds pending requests only: no status filter
    return { ...list, status: null, projectId: project };
  });
  const queue = createAsync(() => {
    const { page, pageSize, projectId } = params();
    return getPendingApprovals({ page, pageSize, ...(projectId ? { projectId } : {}) });
  });
  const longWaits = createMemo(() => queue()?.items.filter((r) => r.waitingLong).length ?? 0);
  const go = (next: Partial<QueueParams>) => navigate(queueSearch({ ...params(), page: 1, ...next }));

  return (
    <>
      <PageHeader title="Approval queue" />
      {/* leftovers are tenant admins' business */}
      <Show when={session()?.role === "admin"}>
        <LeftoverNotice />
      </Show>
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
                Oldest first. Approve or reject here, or open a request to see who asked and why.
                <Show when={longWaits() > 0}> {longWaits()} waiting for more than 48 hours.</Show>
              </p>
              <ApprovalTable
                requests={page().items}
                actions={(request) => <QueueDecision request={request} adminId={session()?.userId ?? ""} />}
              />
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
      {/* resizes and extensions: a project approver sees (and decides) their projects' */}
      <ResizeQueue projectId={params().projectId} />
      <ExtensionQueue />
    </>
  );
}
