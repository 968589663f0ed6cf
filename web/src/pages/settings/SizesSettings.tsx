import { createAsync, useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { DataTable } from "../../components/DataTable.tsx";
import { getSettingsSizes, retireSizeAction } from "../../lib/queries.ts";
import { specText } from "../../lib/vm-view.ts";
import { RowActions } from "./RowActions.tsx";
import { SizeForm } from "./SizeForm.tsx";

/**
 * The tenant's size catalogue: add a size, change one no request used yet, retire one (the request form
 * and the resize picker stop offering it; requests and VMs that have it keep showing it).
 */
export default function SizesSettings() {
  const sizes = createAsync(() => getSettingsSizes());
  const retire = useAction(retireSizeAction);
  const [editing, setEditing] = createSignal<string | null>(null);
  const edited = () => sizes()?.find((s) => s.code === editing()) ?? null;

  return (
    <Show when={sizes()}>
      {(list) => (
        <>
          <DataTable
            caption="Sizes"
            columns={["Size", "Resources", "Requests"]}
            actions
            rows={list()}
            empty="No sizes yet"
          >
            {(size) => (
              <tr data-size={size.code}>
                <td data-label="Size">
                  <span class="mono">{size.code}</span> {size.label}
                  <Show when={size.retiredAt}>
                    {" "}
                    <span class="muted">(retired)</span>
                  </Show>
                </td>
                <td data-label="Resources">{specText(size.spec)}</td>
                <td data-label="Requests" class="tabular">
                  {size.requests}
                </td>
                <RowActions
                  name={size.code}
                  what="size"
                  edit={size.requests === 0 ? "Change" : null}
                  onEdit={() => setEditing(size.code)}
                  ended={size.retiredAt}
                  verb="Retire"
                  archive={() => retire(size.code)}
                >
                  <p>
                    The request form and resizes no longer offer it. Requests and VMs that have it keep
                    showing it.
                  </p>
                </RowActions>
              </tr>
            )}
          </DataTable>
          <Show when={edited()} keyed fallback={<SizeForm size={null} onDone={() => setEditing(null)} />}>
            {(size) => <SizeForm size={size} onDone={() => setEditing(null)} />}
          </Show>
        </>
      )}
    </Show>
  );
}
