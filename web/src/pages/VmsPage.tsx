import { A, createAsync, useNavigate, useSearchParams } from "@solidjs/router";
import { createMemo, Match, Show, Switch } from "solid-js";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { Pager } from "../components/Pager.tsx";
import { createNow } from "../lib/create-now.ts";
import { getProjects, getSession, getVms } from "../lib/queries.ts";
import { readVmListParams, type VmListParams, vmListInput, vmListSearch } from "../lib/vm-list-params.ts";
import { VmFilter } from "./vms/VmFilter.tsx";
import { VmTable } from "./vms/VmTable.tsx";

/**
 * My VMs: a member's own, an admin's every VM of the tenant, filtered through the URL. Live: the app-wide
 * change feed revalidates this list whenever a VM changes (no timer here).
 */
export default function VmsPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const session = createAsync(() => getSession());
  const isAdmin = () => session()?.role === "admin";
  const params = createMemo(() => {
    const raw = new URLSearchParams();
    for (const [key, value] of Object.entries(search)) if (typeof value === "string") raw.set(key, value);
    return readVmListParams(raw);
  });
  const vms = createAsync(() => getVms(vmListInput(params())));
  const projects = createAsync(() => (isAdmin() ? getProjects() : Promise.resolve(null)));
  const now = createNow(60_000);

  const go = (next: Partial<VmListParams>) =>
    navigate(`/vms${vmListSearch({ ...params(), page: 1, ...next })}`);
  const filtered = () => {
    const p = params();
    return p.projectId !== null || p.ownerId !== null || p.status !== null || p.powerState !== null;
  };
  const ownerName = createMemo(() => {
    const id = params().ownerId;
    return id ? (vms()?.items.find((vm) => vm.owner.id === id)?.owner.name ?? id) : null;
  });
  const pageCount = createMemo(() => {
    const page = vms();
    return page ? Math.ceil(page.total / page.pageSize) : 1;
  });
  const filter = () => (
    <>
      <VmFilter
        projects={isAdmin() ? (projects() ?? []) : null}
        projectId={params().projectId}
        status={params().status}
        powerState={params().powerState}
        pageSize={params().pageSize}
        onProject={(projectId) => go({ projectId })}
        onStatus={(status) => go({ status })}
        onPower={(powerState) => go({ powerState })}
        onPageSize={(pageSize) => go({ pageSize })}
      />
      <Show when={ownerName()}>
        {(name) => (
          <p data-testid="owner-filter">
            Owner: <strong>{name()}</strong>{" "}
            <A
              href={`/vms${vmListSearch({ ...params(), ownerId: null, page: 1 })}`}
              class="button button--small"
            >
              Show every owner
            </A>
          </p>
        )}
      </Show>
    </>
  );

  return (
    <>
      <PageHeader title={isAdmin() ? "VMs" : "My VMs"}>
        <A href="/requests/new" class="button button--primary">
          New request
        </A>
      </PageHeader>
      <Show when={vms()}>
        {(page) => (
          <Switch>
            <Match when={page().total === 0 && !filtered()}>
              <EmptyState title={isAdmin() ? "The tenant has no VMs yet" : "You have no VMs yet"}>
                <p>A VM appears here once its request is approved and vCenter has built it.</p>
                <div class="form-actions">
                  <A href="/requests" class="button">
                    See my requests
                  </A>
                  <A href="/vms?status=DELETED" class="button">
                    Show deleted VMs
                  </A>
                </div>
              </EmptyState>
            </Match>
            <Match when={page().total === 0}>
              {filter()}
              <EmptyState title="No VMs match these filters">
                <A href="/vms" class="button">
                  Show all VMs
                </A>
              </EmptyState>
            </Match>
            <Match when={page().total > 0}>
              {filter()}
              <VmTable
                vms={page().items}
                now={now()}
                showOwner={isAdmin()}
                ownerHref={(ownerId) => `/vms${vmListSearch({ ...params(), ownerId, page: 1 })}`}
              />
              <Pager
                label="VM pages"
                page={page().page}
                pageCount={pageCount()}
                total={page().total}
                hrefFor={(n) => `/vms${vmListSearch({ ...params(), page: n })}`}
              />
            </Match>
          </Switch>
        )}
      </Show>
    </>
  );
}
