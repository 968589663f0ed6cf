import type { AuditEntry, AuditFilter } from "@gantry/shared/api/audit";
import { A, createAsync, useNavigate, useSearchParams } from "@solidjs/router";
import { createMemo, For, Show } from "solid-js";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { auditSearch, exportHref, readAuditParams } from "../lib/audit-params.ts";
import { formatDateTime } from "../lib/format.ts";
import { getAudit, getProjects } from "../lib/queries.ts";
import { AuditFilters, actionLabel } from "./audit/AuditFilters.tsx";

const actorText = (e: AuditEntry): string => {
  const name = e.actor.name ?? e.actor.id;
  switch (e.actor.kind) {
    case "token":
      return `${name} (API token ${e.actor.tokenId ?? ""})`;
    case "agent":
      return `Agent ${name}`;
    case "system":
      return "Gantry";
    case "policy":
      return `Approval policy (${e.actor.id.replace(/^policy:/, "rule ")})`;
    default:
      return name;
  }
};

/**
 * Who did what when in the tenant (admins only): filters and the keyset cursor live in the address, so a
 * filtered view can be shared and Back goes to the newer page. The CSV link exports the filtered set.
 */
export default function AuditPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const params = createMemo(() => {
    const raw = new URLSearchParams();
    for (const [key, value] of Object.entries(search)) if (typeof value === "string") raw.set(key, value);
    return readAuditParams(raw);
  });
  const page = createAsync(() =>
    getAudit({ filter: params().filter, ...(params().cursor ? { cursor: params().cursor } : {}) }),
  );
  const projects = createAsync(() => getProjects());
  const filtered = () => Object.keys(params().filter).length > 0;
  const go = (filter: AuditFilter, cursor?: number) => navigate(`/admin/audit${auditSearch(filter, cursor)}`);

  return (
    <>
      <PageHeader title="Audit log">
        <a class="button" href={exportHref(params().filter)} download="" data-testid="audit-csv">
          Download CSV
        </a>
      </PageHeader>
      <Show when={projects()} keyed>
        {(list) => (
          // keyed by the address, so the inputs show the filter after Back or a shared link
          <Show when={params()} keyed>
            {(p) => <AuditFilters filter={p.filter} projects={list} onApply={(f) => go(f)} />}
          </Show>
        )}
      </Show>
      <Show when={filtered() || params().cursor}>
        <p>
          <A href="/admin/audit">Clear filters and show the newest</A>
        </p>
      </Show>
      <Show when={page()}>
        {(p) => (
          <Show
            when={p().items.length > 0}
            fallback={
              <EmptyState title={filtered() ? "Nothing matches these filters" : "Nothing recorded yet"} />
            }
          >
            <div class="table-frame">
              <table class="data-table" data-testid="audit-table">
                <caption class="visually-hidden">Audit log entries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Subject</th>
                    <th scope="col">What happened</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={p().items}>
                    {(e) => (
                      <tr data-action={e.action} data-actor-kind={e.actor.kind}>
                        <td data-label="Time" class="tabular">
                          <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                        </td>
                        <td data-label="Actor">
                          <A href={`/admin/audit${auditSearch({ ...params().filter, actorId: e.actor.id })}`}>
                            {actorText(e)}
                          </A>
                        </td>
                        <td data-label="Action">{actionLabel(e.action)}</td>
                        <td data-label="Subject">
                          <Show when={e.requestId} fallback={`${e.subject.kind} ${e.subject.id}`}>
                            {(id) => (
                              <A href={e.subject.kind === "vm" ? `/vms/${id()}` : `/requests/${id()}`}>
                                {e.subject.kind} {id()}
                              </A>
                            )}
                          </Show>
                        </td>
                        <td data-label="What happened">{e.summary}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={p().nextCursor}>
              {(cursor) => (
                <p>
                  <button type="button" class="button" onClick={() => go(params().filter, cursor())}>
                    Older entries
                  </button>
                </p>
              )}
            </Show>
          </Show>
        )}
      </Show>
    </>
  );
}
