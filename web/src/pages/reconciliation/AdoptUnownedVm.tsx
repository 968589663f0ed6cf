import type { UnownedVmRow } from "@gantry/shared/api/reconciliation";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { adoptUnownedVmAction, getSettingsPeople, getSettingsProjects } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * "Adopt…" on an unowned VM's row: the admin picks a live project of this site and its owner (a person of
 * the tenant). The site's agent then writes the new VM's id into the marker, only while it still carries
 * the marker this scan saw; once it has, the VM is its owner's like any other.
 */
export function AdoptUnownedVm(props: { siteId: string; vm: UnownedVmRow }) {
  const adopt = useAction(adoptUnownedVmAction);
  const projects = createAsync(async () =>
    (await getSettingsProjects()).filter((p) => p.siteId === props.siteId && p.archivedAt === null),
  );
  const people = createAsync(() => getSettingsPeople());
  const [open, setOpen] = createSignal(false);
  const [projectId, setProjectId] = createSignal("");
  const [ownerId, setOwnerId] = createSignal("");
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const id = (field: string) => `adopt-${field}-${props.vm.vmwareId}`;
  // the selects show their first option until another is picked
  const chosenProject = () => projectId() || projects()?.[0]?.projectId || "";
  const chosenOwner = () => ownerId() || people()?.[0]?.userId || "";
  const onConfirm = async () => {
    if (pending()) return;
    if (!chosenProject()) return setError("This site has no live project to adopt the VM into.");
    setPending(true);
    setError(null);
    try {
      const { vmwareId, markerRequestId, name } = props.vm;
      await adopt({
        siteId: props.siteId,
        vmwareId,
        markerRequestId,
        projectId: chosenProject(),
        ownerId: chosenOwner(),
      });
      setOpen(false);
      toast(`Adopting ${name}. It leaves this list once the agent has rewritten its marker.`, "info");
    } catch (e) {
      setError(plainMessage(e));
    } finally {
      setPending(false);
    }
  };
  return (
    <ConfirmDialog
      triggerLabel="Adopt…"
      triggerDetail={props.vm.name}
      triggerClass="button button--small"
      title={`Adopt ${props.vm.name}?`}
      confirmLabel="Adopt"
      cancelLabel="Cancel"
      open={open()}
      onOpenChange={(next) => {
        if (next) {
          setProjectId("");
          setOwnerId("");
          setError(null);
        }
        setOpen(next);
      }}
      onConfirm={() => void onConfirm()}
      pending={pending()}
      error={error()}
    >
      <p>
        {props.vm.name} ({props.vm.vmwareId}) becomes a Gantry VM of the project, owned by the person you
        pick, with the project's lease. The site's agent rewrites its marker{" "}
        <span class="mono">{props.vm.markerRequestId}</span> to the new VM's id, only if it still carries it.
      </p>
      <div class="field">
        <label for={id("project")}>Project</label>
        <select id={id("project")} class="select" onChange={(e) => setProjectId(e.currentTarget.value)}>
          <For each={projects()}>
            {(p) => (
              <option value={p.projectId} selected={p.projectId === chosenProject()}>
                {p.name}
              </option>
            )}
          </For>
        </select>
      </div>
      <div class="field">
        <label for={id("owner")}>Owner</label>
        <select id={id("owner")} class="select" onChange={(e) => setOwnerId(e.currentTarget.value)}>
          <For each={people()}>
            {(person) => (
              <option value={person.userId} selected={person.userId === chosenOwner()}>
                {person.name} ({person.email})
              </option>
            )}
          </For>
        </select>
      </div>
    </ConfirmDialog>
  );
}
