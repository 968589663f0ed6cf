import { createAsync, createAsyncStore, useAction, useSearchParams, useSubmission } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { plainMessage } from "../lib/api-errors.ts";
import { getReconciliation, getSites, scanSiteAction } from "../lib/queries.ts";
import { toast } from "../lib/toasts.ts";
import { MissingTable } from "./reconciliation/MissingTable.tsx";
import { ScanSummary } from "./reconciliation/ScanSummary.tsx";
import { UnownedTable } from "./reconciliation/UnownedTable.tsx";

function ScanButton(props: { siteId: string; available: boolean; needs: string | null }) {
  const scan = useAction(scanSiteAction);
  const scanning = useSubmission(scanSiteAction);
  const [error, setError] = createSignal<string | null>(null);
  const onScan = async () => {
    if (scanning.pending) return;
    setError(null);
    try {
      const figures = await scan(props.siteId);
      toast(`Scanned: ${figures.markerVms} VM(s) with Gantry's marker, ${figures.unowned} unowned.`, "info");
    } catch (e) {
      setError(plainMessage(e));
    }
  };
  return (
    <div class="card__actions">
      <button
        type="button"
        class="button"
        onClick={() => void onScan()}
        disabled={scanning.pending === true || !props.available}
        aria-busy={scanning.pending === true}
      >
        {scanning.pending ? "Scanning vCenter…" : "Scan now"}
      </button>
      <Show when={!props.available}>
        <p class="notice notice--warning" data-testid="scan-unavailable">
          {props.needs ? `Scanning needs ${props.needs}.` : "No agent of this site is connected."}
        </p>
      </Show>
      <Show when={error()}>
        {(message) => (
          <p class="notice notice--danger" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}

function SiteReconciliationView(props: { siteId: string }) {
  // live: a scan's end is pushed on the tenant feed as a site change, which revalidates this read. A store
  // reconciled by vCenter id keeps each row (and a dialog open on it) across those refreshes: a plain
  // createAsync hands <For> new objects, which rebuilt every row and closed the dialog under the admin
  const data = createAsyncStore(() => getReconciliation(props.siteId), { reconcile: { key: "vmwareId" } });
  return (
    <Show when={data()}>
      {(site) => (
        <>
          <ScanButton siteId={site().siteId} {...site().scanner} />
          <ScanSummary scan={site().lastScan} />
          <UnownedTable
            siteId={site().siteId}
            unowned={site().unowned}
            destroyer={site().destroyer}
            adopter={site().adopter}
          />
          <MissingTable missing={site().missing} />
        </>
      )}
    </Show>
  );
}

/**
 * Reconciliation of a site: every VM with Gantry's marker that vCenter holds, against the VMs Gantry
 * believes in. Scanned hourly, when an agent reconnects, and on demand here.
 */
export default function ReconciliationPage() {
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
      <PageHeader title={siteName() ? `Reconciliation: ${siteName()}` : "Reconciliation"}>
        <Show when={(sites()?.length ?? 0) > 1}>
          <div class="field">
            <label for="recon-site">Site</label>
            <select
              id="recon-site"
              class="select"
              value={siteId() ?? ""}
              onChange={(e) => setSearch({ site: e.currentTarget.value })}
            >
              <For each={sites() ?? []}>{(s) => <option value={s.siteId}>{s.name}</option>}</For>
            </select>
          </div>
        </Show>
      </PageHeader>
      <Show when={sites()?.length === 0}>
        <EmptyState title="No sites yet">
          <p>A site is one vCenter reached through your agents.</p>
        </EmptyState>
      </Show>
      <Show when={siteId()} keyed>
        {(id) => <SiteReconciliationView siteId={id} />}
      </Show>
    </>
  );
}
