import { createAsync, useSearchParams } from "@solidjs/router";
import { createMemo, For, Show } from "solid-js";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { getSite, getSiteInventory, getSites } from "../lib/queries.ts";
import { ConnectionTest } from "./site-settings/ConnectionTest.tsx";
import { SiteForm } from "./site-settings/SiteForm.tsx";

function SiteSection(props: { siteId: string }) {
  const site = createAsync(() => getSite(props.siteId));
  const inventory = createAsync(() => getSiteInventory(props.siteId));
  return (
    <Show when={site()}>
      {(current) => (
        <Show when={inventory() !== undefined}>
          <SiteForm
            siteId={current().siteId}
            siteName={current().name}
            placement={current().placement}
            networkPath={current().networkPath}
            dnsDomain={current().dnsDomain}
            loginUser={current().loginUser}
            inventory={inventory() ?? null}
          />
          <ConnectionTest siteId={current().siteId} />
        </Show>
      )}
    </Show>
  );
}

/**
 * Where a site's VMs go (template, folder, pool, datastore, network), how people reach them, and
 * whether vCenter answers; the heading names the site being edited.
 */
export default function SiteSettingsPage() {
  const sites = createAsync(() => getSites());
  const [search, setSearch] = useSearchParams();
  const siteId = createMemo(() => {
    const wanted = typeof search.site === "string" ? search.site : null;
    const list = sites() ?? [];
    return list.find((s) => s.siteId === wanted)?.siteId ?? list[0]?.siteId ?? null;
  });

  const siteName = () => sites()?.find((s) => s.siteId === siteId())?.name ?? null;
  return (
    <>
      <PageHeader
        title={siteName() ? `Site settings: ${siteName()}` : "Site settings"}
        heading={
          <>
            Site settings
            <Show when={siteName()}>{(name) => <span class="page-title__subject"> · {name()}</span>}</Show>
          </>
        }
      >
        <Show when={(sites()?.length ?? 0) > 1}>
          <div class="field">
            <label for="site-picker">Site</label>
            <select
              id="site-picker"
              class="select"
              value={siteId() ?? ""}
              onChange={(e) => setSearch({ site: e.currentTarget.value })}
            >
              <For each={sites() ?? []}>
                {(s) => (
                  <option value={s.siteId} selected={s.siteId === siteId()}>
                    {s.name}
                  </option>
                )}
              </For>
            </select>
          </div>
        </Show>
      </PageHeader>
      <Show when={sites()?.length === 0}>
        <EmptyState title="No sites yet">
          <p>A site is one vCenter reached through your agents. Ask Gantry support to add yours.</p>
        </EmptyState>
      </Show>
      {/* keyed on the id: another site starts a fresh form, a refresh of the same site keeps it */}
      <Show when={siteId()} keyed>
        {(id) => <SiteSection siteId={id} />}
      </Show>
    </>
  );
}
