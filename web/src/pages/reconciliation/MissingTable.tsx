import type { SiteReconciliation } from "@gantry/shared/api/reconciliation";
import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import { EmptyState } from "../../components/EmptyState.tsx";

/** Gantry VMs vCenter no longer has; each owner sees the same on My VMs and the VM's page. */
export function MissingTable(props: { missing: SiteReconciliation["missing"] }) {
  return (
    <section class="card" aria-labelledby="missing-title" data-testid="missing">
      <h2 id="missing-title">Missing VMs</h2>
      <Show
        when={props.missing.length > 0}
        fallback={
          <EmptyState title="Nothing missing">
            <p>vCenter has every VM Gantry believes in at this site.</p>
          </EmptyState>
        }
      >
        <div class="table-frame">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">VM</th>
                <th scope="col">Was</th>
                <th scope="col">Owner</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.missing}>
                {(vm) => (
                  <tr data-testid="missing-vm">
                    <td>
                      <A href={`/vms/${vm.vmId}`}>{vm.name}</A>
                    </td>
                    <td class="mono">{vm.vmwareId}</td>
                    <td>{vm.owner.name}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}
