import type { QuotaUsage } from "@gantry/shared/api/quotas";
import { QUOTA_RESOURCES } from "@gantry/shared/domain/quota";
import { createAsync } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { getQuotas } from "../../lib/quota-queries.ts";
import { RESOURCE_LABELS, usageCell } from "../../lib/quota-view.ts";
import { QuotaForm } from "./QuotaForm.tsx";

type Row = QuotaUsage & { projectId: string | null };

/**
 * Quotas of the tenant and each project, with usage: used (live VMs, approved and provisioning requests)
 * / requested (pending) / limit, per resource. Editing a row opens its form below the table.
 */
export default function QuotasSettings() {
  const quotas = createAsync(() => getQuotas());
  const [editing, setEditing] = createSignal<string | null | undefined>(undefined);
  const rows = (): Row[] => {
    const q = quotas();
    if (!q) return [];
    return [{ ...q.tenant, projectId: null }, ...q.projects];
  };
  const edited = () => {
    const id = editing();
    return id === undefined ? null : (rows().find((r) => r.projectId === id) ?? null);
  };

  return (
    <Show when={quotas()}>
      <p class="muted">
        Each cell reads used / requested / limit. Used is what live VMs and approved or provisioning requests
        hold; requested is what pending requests would add. A request that does not fit is refused.
      </p>
      <div class="table-frame">
        <table class="data-table" data-testid="quota-table">
          <caption class="visually-hidden">Quotas and usage</caption>
          <thead>
            <tr>
              <th scope="col">Scope</th>
              <For each={QUOTA_RESOURCES}>{(r) => <th scope="col">{RESOURCE_LABELS[r]}</th>}</For>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(row) => (
                <tr data-quota={row.projectId ?? "tenant"}>
                  <td data-label="Scope">
                    {row.projectId === null ? `${row.name} (all projects)` : row.name}
                  </td>
                  <For each={QUOTA_RESOURCES}>
                    {(r) => (
                      <td data-label={RESOURCE_LABELS[r]} data-resource={r} class="tabular">
                        {usageCell(row, r)}
                      </td>
                    )}
                  </For>
                  <td data-label="Actions">
                    <button
                      type="button"
                      class="button button--small"
                      onClick={() => setEditing(row.projectId)}
                    >
                      Edit<span class="visually-hidden"> the quota of {row.name}</span>
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={edited()} keyed>
        {(row) => <QuotaForm row={row} onDone={() => setEditing(undefined)} />}
      </Show>
    </Show>
  );
}
