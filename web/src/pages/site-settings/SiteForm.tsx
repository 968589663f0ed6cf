import type { InventoryReport } from "@gantry/shared/jobs/inventory";
import type { Placement } from "@gantry/shared/jobs/provision-vm-job";
import { useAction, useSubmission } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { FieldError } from "../../components/FieldError.tsx";
import { InventorySelect } from "../../components/InventorySelect.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { fieldErrorsOf } from "../../lib/field-errors.ts";
import { formatDateTime } from "../../lib/format.ts";
import { updateSiteAction } from "../../lib/queries.ts";
import {
  ACCESS_FIELDS,
  type AccessField,
  type AccessValues,
  accessUpdate,
} from "../../lib/site-access-form.ts";
import {
  fieldOfMessage,
  optionsFor,
  SITE_FIELDS,
  type SiteField,
  savedValues,
  toUpdate,
} from "../../lib/site-form.ts";
import { toast } from "../../lib/toasts.ts";
import { InventoryRefresh } from "./InventoryRefresh.tsx";

const LABELS: Record<SiteField, { label: string; hint: string }> = {
  datacenterPath: { label: "Datacenter", hint: "Where new VMs are created." },
  templatePath: { label: "Template", hint: "Every VM is cloned from this template." },
  folderPath: { label: "Folder", hint: "VMs go into <folder>/<tenant>/<project>, created when missing." },
  poolPath: { label: "Cluster or resource pool", hint: "Where the VMs run." },
  datastorePath: { label: "Datastore", hint: "Optional; without one vCenter uses the template's." },
  networkPath: {
    label: "Default network",
    hint: "Preselected on the request form. Members may pick another network the agent reports; a request that names none gets this one.",
  },
};

const ACCESS_LABELS: Record<AccessField, { label: string; hint: string; placeholder: string }> = {
  dnsDomain: {
    label: "DNS domain (optional)",
    hint: "The domain the VMs' hostnames live in: the request page then shows each VM's FQDN.",
    placeholder: "lab.example.com",
  },
  loginUser: {
    label: "Login user (optional)",
    hint: "The user your template documents for the first login: the request page then shows the ssh command.",
    placeholder: "ubuntu",
  },
};

/** Placement and default network picked from the agent's report, and how people reach the VMs. */
export function SiteForm(props: {
  siteId: string;
  siteName: string;
  placement: Placement | null;
  networkPath: string | null;
  dnsDomain: string | null;
  loginUser: string | null;
  inventory: { report: InventoryReport; receivedAt: string } | null;
}) {
  const [edits, setEdits] = createStore<Partial<Record<SiteField, string>>>({});
  const [accessEdits, setAccessEdits] = createStore<Partial<AccessValues>>({});
  const access = createMemo(
    (): AccessValues => ({
      dnsDomain: props.dnsDomain ?? "",
      loginUser: props.loginUser ?? "",
      ...accessEdits,
    }),
  );
  const saved = createMemo(() => savedValues(props.placement, props.networkPath));
  const values = createMemo(() => ({ ...saved(), ...edits }));
  const options = createMemo(() =>
    props.inventory ? optionsFor(props.inventory.report, values().datacenterPath) : null,
  );

  const save = useAction(updateSiteAction);
  const saving = useSubmission(updateSiteAction);
  const [fieldErrors, setFieldErrors] = createSignal<Partial<Record<SiteField | AccessField, string>>>({});
  // a failed save says why here, beside the button; a successful one confirms with a toast
  const [formError, setFormError] = createSignal<string | null>(null);

  // a saved path the agent no longer reports would be refused on save: say so before that
  const staleMessage = (field: SiteField, choices: readonly { path: string }[]) => {
    const value = values()[field];
    return value !== "" && !choices.some((c) => c.path === value)
      ? "Not in the agent's latest inventory; choose again."
      : null;
  };

  const onSave = async (event: SubmitEvent) => {
    event.preventDefault();
    if (saving.pending) return;
    setFormError(null);
    const update = toUpdate(props.siteId, values());
    if (!update.ok) {
      setFieldErrors({ [update.field]: `Choose a ${LABELS[update.field].label.toLowerCase()}.` });
      document.getElementById(`site-${update.field}`)?.focus();
      return;
    }
    const reach = accessUpdate(access());
    if (!reach.ok) {
      setFieldErrors({ [reach.field]: reach.message });
      document.getElementById(`site-${reach.field}`)?.focus();
      return;
    }
    setFieldErrors({});
    try {
      await save({ ...update.value, ...reach.value });
      setEdits(reconcile({}));
      setAccessEdits(reconcile({}));
      toast(`Saved. New requests for ${props.siteName} use these settings.`);
    } catch (e) {
      const fromFields = fieldErrorsOf(e);
      const field = e instanceof Error ? fieldOfMessage(e.message) : null;
      if (field) setFieldErrors({ [field]: "This is no longer in the agent's inventory. Choose again." });
      else if (Object.keys(fromFields).length > 0) setFieldErrors({ networkPath: fromFields.networkPath });
      setFormError(plainMessage(e));
    }
  };

  return (
    <Show
      when={options()}
      fallback={
        <div class="notice notice--warning">
          <p>
            No agent of {props.siteName} has reported its vCenter inventory yet. Start an agent (see Agents),
            then come back to pick the placement.
          </p>
          <InventoryRefresh siteId={props.siteId} />
        </div>
      }
    >
      {(choices) => (
        <form class="card" onSubmit={(e) => void onSave(e)} noValidate aria-labelledby="placement-title">
          <h2 id="placement-title">Placement</h2>
          <p class="muted" data-testid="inventory-age" data-received-at={props.inventory?.receivedAt}>
            From the inventory reported {props.inventory ? formatDateTime(props.inventory.receivedAt) : ""} ·{" "}
            {props.inventory?.report.vcenter.fullName}
          </p>
          <InventoryRefresh siteId={props.siteId} />
          <For each={SITE_FIELDS}>
            {(field) => (
              <InventorySelect
                id={`site-${field}`}
                label={LABELS[field].label}
                hint={LABELS[field].hint}
                options={choices()[field]}
                value={values()[field]}
                onChange={(path) => setEdits(field, path)}
                error={fieldErrors()[field] ?? staleMessage(field, choices()[field])}
                optional={field === "datastorePath"}
              />
            )}
          </For>
          <fieldset class="fieldset">
            <legend>How people reach the VMs</legend>
            <For each={ACCESS_FIELDS}>
              {(field) => (
                <div class="field">
                  <label for={`site-${field}`}>{ACCESS_LABELS[field].label}</label>
                  <input
                    id={`site-${field}`}
                    class="input mono"
                    value={access()[field]}
                    placeholder={ACCESS_LABELS[field].placeholder}
                    autocomplete="off"
                    spellcheck={false}
                    onInput={(e) => setAccessEdits(field, e.currentTarget.value)}
                    aria-invalid={fieldErrors()[field] ? "true" : "false"}
                    aria-describedby={`site-${field}-hint site-${field}-error`}
                  />
                  <span id={`site-${field}-hint`} class="field__hint">
                    {ACCESS_LABELS[field].hint}
                  </span>
                  <FieldError id={`site-${field}-error`} message={fieldErrors()[field]} />
                </div>
              )}
            </For>
          </fieldset>
          <div role="alert">
            <Show when={formError()}>{(message) => <p class="notice notice--danger">{message()}</p>}</Show>
          </div>
          <div class="form-actions">
            <button type="submit" class="button button--primary" disabled={saving.pending === true}>
              {saving.pending ? "Saving…" : "Save settings"}
            </button>
          </div>
        </form>
      )}
    </Show>
  );
}
