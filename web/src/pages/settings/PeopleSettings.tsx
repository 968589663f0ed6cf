import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { DataTable } from "../../components/DataTable.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import {
  getSettingsPeople,
  getSettingsProjects,
  setApproverAction,
  setRoleAction,
} from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";
import { GroupRoles } from "./GroupRoles.tsx";

/**
 * The tenant's people (they appear as they sign in): make or unmake admins (never the last one) and
 * name project approvers, who approve their projects' requests but never their own.
 */
export default function PeopleSettings() {
  const people = createAsync(() => getSettingsPeople());
  const projects = createAsync(() => getSettingsProjects());
  const setRole = useAction(setRoleAction);
  const setApprover = useAction(setApproverAction);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const liveProjects = () => (projects() ?? []).filter((p) => !p.archivedAt);

  const run = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      toast(done);
    } catch (e) {
      setError(plainMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div role="alert">
        <Show when={error()}>{(message) => <p class="notice notice--danger">{message()}</p>}</Show>
      </div>
      <Show when={people()}>
        {(list) => (
          <DataTable
            caption="People"
            columns={["Person", "Role", "Approves"]}
            rows={list()}
            empty="Nobody has signed in yet"
          >
            {(person) => (
              <tr data-person={person.email}>
                <td data-label="Person">
                  {person.name} <span class="muted">{person.email}</span>
                </td>
                <td data-label="Role">
                  {person.role === "admin" ? "Admin" : "Member"}{" "}
                  <button
                    type="button"
                    class="button button--small"
                    disabled={busy()}
                    onClick={() => {
                      const role = person.role === "admin" ? "member" : "admin";
                      void run(
                        () => setRole({ userId: person.userId, role }),
                        `${person.name} is now ${role === "admin" ? "an admin" : "a member"}. It takes effect at their next sign-in.`,
                      );
                    }}
                  >
                    {person.role === "admin" ? "Make member" : "Make admin"}
                    <span class="visually-hidden"> {person.name}</span>
                  </button>
                </td>
                <td data-label="Approves">
                  <Show when={person.role !== "admin"} fallback={<span class="muted">Every project</span>}>
                    <fieldset class="fieldset">
                      <legend class="visually-hidden">Projects {person.name} approves</legend>
                      <For each={liveProjects()}>
                        {(project) => (
                          <label class="checkbox">
                            <input
                              type="checkbox"
                              checked={person.approverOf.includes(project.projectId)}
                              disabled={busy()}
                              onChange={(e) => {
                                const approver = e.currentTarget.checked;
                                void run(
                                  () =>
                                    setApprover({
                                      projectId: project.projectId,
                                      userId: person.userId,
                                      approver,
                                    }),
                                  approver
                                    ? `${person.name} now approves requests of ${project.name}.`
                                    : `${person.name} no longer approves requests of ${project.name}.`,
                                );
                              }}
                            />{" "}
                            {project.name}
                            <span class="visually-hidden"> approved by {person.name}</span>
                          </label>
                        )}
                      </For>
                    </fieldset>
                  </Show>
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Show>
      <GroupRoles />
    </>
  );
}
