import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { EmptyState } from "../../components/EmptyState.tsx";
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
          <Show when={list().length > 0} fallback={<EmptyState title="No projects yet" />}>
            <div class="table-frame">
              <table class="data-table">
                <caption class="visually-hidden">Projects</caption>
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    <th scope="col">VM prefix</th>
                    <th scope="col">Site</th>
                    <th scope="col">Requests</th>
                    <th scope="col">Approvers</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(project) => (
                      <tr data-project={project.slug}>
                        <td data-label="Project">
                          {project.name} <span class="muted mono">{project.slug}</span>
                          <Show when={project.archivedAt}>
                            {" "}
                            <span class="muted">(archived)</span>
                          </Show>
                        </td>
                        <td data-label="VM prefix" class="mono">
                          {project.vmPrefix}
                        </td>
                        <td data-label="Site">{siteName(project.siteId)}</td>
                        <td data-label="Requests" class="tabular">
                          {project.requests}
                        </td>
                        <td data-label="Approvers">
                          {project.approverIds.length > 0
                            ? project.approverIds.map(personName).join(", ")
                            : "Admins"}
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
                                  Members can no longer request VMs in it. Its requests, VMs and history are
                                  kept. A project with live requests or VMs cannot be archived.
                                </p>
                              </ArchiveButton>
                            </div>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
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
