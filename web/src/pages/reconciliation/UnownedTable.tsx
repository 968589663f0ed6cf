import type { SiteReconciliation } from "@gantry/shared/api/reconciliation";
import { For, Show } from "solid-js";
import { EmptyState } from "../../components/EmptyState.tsx";
import { formatMemory } from "../../lib/format.ts";
import { AdoptUnownedVm } from "./AdoptUnownedVm.tsx";
import { DestroyUnownedVm } from "./DestroyUnownedVm.tsx";

/** Marker VMs no live Gantry VM owns: left by a failed cleanup, a restored backup, a test. */
export function UnownedTable(props: {
  siteId: string;
  unowned: SiteReconciliation["unowned"];
  destroyer: SiteReconciliation["destroyer"];
  adopter: SiteReconciliation["adopter"];
}) {
  return (
    <section class="card" aria-labelledby="unowned-title" data-testid="unowned">
      <h2 id="unowned-title">Unowned VMs</h2>
      <Show
        when={props.unowned.length > 0}
        fallback={
          <EmptyState title="Nothing unowned">
            <p>Every VM with Gantry's marker belongs to a Gantry VM.</p>
          </EmptyState>
        }
      >
        <p>
          These VMs carry Gantry's marker, but no Gantry VM owns them. Adopt them into a project, destroy them
          here (either only while they still carry that marker) or keep them; the next scan updates this list.
        </p>
        <Show when={!props.destroyer.available}>
          <p class="notice notice--warning" data-testid="destroy-unavailable">
            {props.destroyer.needs
              ? `Destroying needs ${props.destroyer.needs}.`
              : "No agent of this site is connected."}
          </p>
        </Show>
        <Show when={!props.adopter.available && props.adopter.needs}>
          {(needs) => (
            <p class="notice notice--warning" data-testid="adopt-unavailable">
              Adopting needs {needs()}.
            </p>
          )}
        </Show>
        <div class="table-frame">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">vCenter id</th>
                <th scope="col">Power</th>
                <th scope="col">Size</th>
                <th scope="col">Marker names</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={props.unowned}>
                {(vm) => (
                  <tr data-testid="unowned-vm">
                    <td class="mono">{vm.name}</td>
                    <td class="mono">{vm.vmwareId}</td>
                    <td>{vm.powerState}</td>
                    <td>
                      {vm.cpu} vCPU, {formatMemory(vm.memoryMb)}, {vm.diskGb} GB
                    </td>
                    <td class="mono">{vm.markerRequestId}</td>
                    <td>
                      <Show
                        when={!vm.adopting}
                        fallback={<span data-testid="unowned-adopting">Adopting…</span>}
                      >
                        <Show
                          when={!vm.destroying}
                          fallback={<span data-testid="unowned-destroying">Destroying…</span>}
                        >
                          <div class="form-actions">
                            <Show when={props.adopter.available}>
                              <AdoptUnownedVm siteId={props.siteId} vm={vm} />
                            </Show>
                            <Show when={props.destroyer.available}>
                              <DestroyUnownedVm siteId={props.siteId} vm={vm} />
                            </Show>
                          </div>
                        </Show>
                      </Show>
                    </td>
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
