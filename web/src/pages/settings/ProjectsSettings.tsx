import { createAsync, useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { DataTable, NamedCell } from "../../components/DataTable.tsx";
import {
  archiveProjectAction,
  getSettingsPeople,
  getSettingsProjects,
  getSettingsSites,
} from "../../lib/queries.ts";
import { ArchiveButton } from "./ArchiveButton.tsx";
import { ProjectForm } from "./ProjectForm.tsx";

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
                <td data-label="Actions">
                  <Show when={!project.archivedAt}>
                    <div class="card__actions">
                      <button
                        type="button"
                        class="button button--small"
                        onClick={() => setEditing(project.projectId)}
                      >
                        Edit<span class="visually-hidden"> {project.name}</span>
                      </button>
                      <ArchiveButton
                        name={project.name}
                        what="project"
                        archive={() => archive(project.projectId)}
                      >
                        <p>
                          Members can no longer request VMs in it. Its requests, VMs and history are kept. A
                          project with live requests or VMs cannot be archived.
                        </p>
                      </ArchiveButton>
                    </div>
                  </Show>
                </td>
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
