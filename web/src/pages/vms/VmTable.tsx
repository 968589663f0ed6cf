import type { VmListItem } from "@gantry/shared/api/vms";
import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import { LeaseExpiry } from "../../components/LeaseExpiry.tsx";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import { POWER_LABELS, VM_STATUS_LABELS } from "../../lib/vm-view.ts";

/** VMs as a table on desktop and as labelled cards on a phone (the request table's pattern). */
export function VmTable(props: {
  vms: readonly VmListItem[];
  now: Date;
  showOwner: boolean;
  ownerHref: (ownerId: string) => string;
}) {
  return (
    <div class="table-frame">
      <table class="data-table">
        <caption class="visually-hidden">VMs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Project</th>
            <th scope="col">Size</th>
            <th scope="col">Power</th>
            <th scope="col">IP address</th>
            <th scope="col">Hostname</th>
            <Show when={props.showOwner}>
              <th scope="col">Owner</th>
            </Show>
            <th scope="col">Age</th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.vms}>
            {(vm) => (
              <tr data-vm-id={vm.vmId}>
                <td data-label="Name">
                  <A href={`/vms/${vm.vmId}`} class="mono">
                    {vm.name}
                  </A>
                  <Show when={vm.status !== "READY"}>
                    {" "}
                    <span class={`badge badge--${VM_STATUS_LABELS[vm.status].tone}`}>
                      {VM_STATUS_LABELS[vm.status].label}
                    </span>
                  </Show>
                </td>
                <td data-label="Project">{vm.projectName ?? vm.projectId}</td>
                <td data-label="Size">{vm.size}</td>
                <td data-label="Power" data-testid="vm-row-power">
                  <span class={`badge badge--${POWER_LABELS[vm.powerState].tone}`}>
                    {POWER_LABELS[vm.powerState].label}
                  </span>
                  <Show when={vm.action}>{(action) => <span class="muted"> · {action().message}</span>}</Show>
                </td>
                <td data-label="IP address" class="mono">
                  {vm.ipAddress ?? "—"}
                </td>
                <td data-label="Hostname" class="mono">
                  {vm.hostname ?? "—"}
                </td>
                <Show when={props.showOwner}>
                  <td data-label="Owner">
                    <A href={props.ownerHref(vm.owner.id)} title={`Only ${vm.owner.name}'s VMs`}>
                      {vm.owner.name}
                    </A>
                  </td>
                </Show>
                <td data-label="Age" class="tabular">
                  <time dateTime={vm.createdAt} title={formatDateTime(vm.createdAt)}>
                    {formatRelative(vm.createdAt, props.now).replace(/ ago$/, "")}
                  </time>
                </td>
                <td data-label="Expires" class="tabular">
                  <LeaseExpiry vm={vm} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
