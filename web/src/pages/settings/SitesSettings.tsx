import { A, createAsync, useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { DataTable, NamedCell } from "../../components/DataTable.tsx";
import { archiveSiteAction, getSettingsSites } from "../../lib/queries.ts";
import { RowActions } from "./RowActions.tsx";
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
          <DataTable
            caption="Sites"
            columns={["Site", "Placement", "Projects", "Agents"]}
            actions
            rows={list()}
            empty="No sites yet"
          >
            {(site) => (
              <tr data-site={site.slug}>
                <td data-label="Site">
                  <NamedCell name={site.name} code={site.slug} ended={site.archivedAt} endedWord="archived" />
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
                <RowActions
                  name={site.name}
                  what="site"
                  edit="Rename"
                  onEdit={() => setEditing(site.siteId)}
                  ended={site.archivedAt}
                  archive={() => archive(site.siteId)}
                >
                  <p>
                    Only a site without live projects or enrolled agents can be archived. Its history is kept.
                  </p>
                </RowActions>
              </tr>
            )}
          </DataTable>
          <Show when={edited()} keyed fallback={<SiteNameForm site={null} onDone={() => setEditing(null)} />}>
            {(site) => <SiteNameForm site={site} onDone={() => setEditing(null)} />}
          </Show>
        </>
      )}
    </Show>
  );
}
