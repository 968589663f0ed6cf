import { A, createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { EmptyState } from "../../components/EmptyState.tsx";
import { archiveSiteAction, getSettingsSites } from "../../lib/queries.ts";
import { ArchiveButton } from "./ArchiveButton.tsx";
import { SiteNameForm } from "./SiteNameForm.tsx";

/**
 * The tenant's sites: create, rename, archive when empty; enrollment of their agents and their placement
 * live on the Agents and Site settings pages, linked from each row.
 */
export default function SitesSettings() {
  const sites = createAsync(() => getSettingsSites());
  const archive = useAction(archiveSiteAction);
  const [editing, setEditing] = createSignal<string | null>(null);
  const edited = () => sites()?.find((s) => s.siteId === editing()) ?? null;

  return (
    <Show when={sites()}>
      {(list) => (
        <>
          <Show when={list().length > 0} fallback={<EmptyState title="No sites yet" />}>
            <div class="table-frame">
              <table class="data-table">
                <caption class="visually-hidden">Sites</caption>
                <thead>
                  <tr>
                    <th scope="col">Site</th>
                    <th scope="col">Placement</th>
                    <th scope="col">Projects</th>
                    <th scope="col">Agents</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(site) => (
                      <tr data-site={site.slug}>
                        <td data-label="Site">
                          {site.name} <span class="muted mono">{site.slug}</span>
                          <Show when={site.archivedAt}>
                            {" "}
                            <span class="muted">(archived)</span>
                          </Show>
                        </td>
                        <td data-label="Placement">
                          <A href={`/admin/site?site=${encodeURIComponent(site.siteId)}`}>
                            {site.configured ? "Configured" : "Not set yet"}
                            <span class="visually-hidden"> for {site.name}</span>
                          </A>
                        </td>
                        <td data-label="Projects" class="tabular">
                          {site.projects}
                        </td>
                        <td data-label="Agents">
                          <A href="/admin/agents">
                            {site.agents} enrolled<span class="visually-hidden"> at {site.name}</span>
                          </A>
                        </td>
                        <td data-label="Actions">
                          <Show when={!site.archivedAt}>
                            <div class="card__actions">
                              <button
                                type="button"
                                class="button button--small"
                                onClick={() => setEditing(site.siteId)}
                              >
                                Rename<span class="visually-hidden"> {site.name}</span>
                              </button>
                              <ArchiveButton
                                name={site.name}
                                what="site"
                                archive={() => archive(site.siteId)}
                              >
                                <p>
                                  Only a site without live projects or enrolled agents can be archived. Its
                                  history is kept.
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
          <Show when={edited()} keyed fallback={<SiteNameForm site={null} onDone={() => setEditing(null)} />}>
            {(site) => <SiteNameForm site={site} onDone={() => setEditing(null)} />}
          </Show>
        </>
      )}
    </Show>
  );
}
