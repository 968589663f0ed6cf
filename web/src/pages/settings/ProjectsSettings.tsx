import { createAsync, useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { DataTable, NamedCell } from "../../components/DataTable.tsx";
import {
  archiveProjectAction,
  getSettingsPeople,
  getSettingsProjects,
  getSettingsSites,
} from "../../lib/queries.ts";
import { ProjectForm } from "./ProjectForm.tsx";
import { RowActions } from "./RowActions.tsx";

/** The tenant's projects: create, change, archive; who approves each (named under People). */
export default function ProjectsSettings() {
  const projects = createAsync(() => getSettingsProjects());
  const sites = createAsync(() => getSettingsSites());
  const people = createAsync(() => getSettingsPeople());
  const archive = useAction(archiveProjectAction);
  const [editing, setEditing] = createSignal<string | null>(null);
  const siteName = (siteId: string) => sites()?.find((s) => s.siteId === siteId)?.name ?? siteId;
  const personName = (userId: string) => people()?.find((p) => p.userId === userId)?.name ?? userId;
  const edited = () => projects()?.find((p) => p.projectId === editing()) ?? null;

  return (
    <Show when={projects()}>
      {(list) => (
        <>
          <DataTable
            caption="Projects"
            columns={["Project", "VM prefix", "Site", "Requests", "Approvers"]}
            actions
            rows={list()}
            empty="No projects yet"
          >
            {(project) => (
              <tr data-project={project.slug}>
                <td data-label="Project">
                  <NamedCell
                    name={project.name}
                    code={project.slug}
                    ended={project.archivedAt}
                    endedWord="archived"
                  />
                </td>
                <td data-label="VM prefix" class="mono">
                  {project.vmPrefix}
                </td>
                <td data-label="Site">{siteName(project.siteId)}</td>
                <td data-label="Requests" class="tabular">
                  {project.requests}
                </td>
                <td data-label="Approvers">
                  {project.approverIds.length > 0 ? project.approverIds.map(personName).join(", ") : "Admins"}
                </td>
                <RowActions
                  name={project.name}
                  what="project"
                  edit="Edit"
                  onEdit={() => setEditing(project.projectId)}
                  ended={project.archivedAt}
                  archive={() => archive(project.projectId)}
                >
                  <p>
                    Members can no longer request VMs in it. Its requests, VMs and history are kept. A project
                    with live requests or VMs cannot be archived.
                  </p>
                </RowActions>
              </tr>
            )}
          </DataTable>
          <Show
            when={edited()}
            keyed
            fallback={<ProjectForm project={null} sites={sites() ?? []} onDone={() => setEditing(null)} />}
          >
            {(project) => (
              <ProjectForm project={project} sites={sites() ?? []} onDone={() => setEditing(null)} />
            )}
          </Show>
        </>
      )}
    </Show>
  );
}
