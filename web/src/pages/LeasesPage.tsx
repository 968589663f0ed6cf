import type { LeasePolicies } from "@gantry/shared/api/leases";
import type { LeasePolicy } from "@gantry/shared/domain/lease-policy";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { PageHeader } from "../components/PageHeader.tsx";
import { asSentence, plainMessage } from "../lib/api-errors.ts";
import { formatSpan, parseSpan } from "../lib/lease-view.ts";
import { getLeasePolicies, setLeasePolicyAction } from "../lib/queries.ts";
import { toast } from "../lib/toasts.ts";

const SOURCES = { project: "its own", tenant: "the tenant's default", default: "Gantry's default" } as const;

const FIELDS = [
  ["initialTermSeconds", "Initial term"],
  ["maxExtensionSeconds", "Most one extension adds"],
  ["maxTotalSeconds", "Longest total life"],
  ["graceSeconds", "Grace before deletion"],
] as const;

/** One policy, edited in place: durations as `30d`, `12h`, `10m`, `90s`; warnings as a list. */
function PolicyForm(props: { id: string; policy: LeasePolicy; projectId: string | null; canClear: boolean }) {
  const save = useAction(setLeasePolicyAction);
  const [values, setValues] = createSignal<Record<string, string>>({
    ...Object.fromEntries(FIELDS.map(([key]) => [key, formatSpan(props.policy[key])])),
    warnings: props.policy.warningsSeconds.map(formatSpan).join(", "),
  });
  const [enforcement, setEnforcement] = createSignal(props.policy.enforcement);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (policy: LeasePolicy | null) => {
    setError(null);
    try {
      await save({ projectId: props.projectId, policy });
      toast(
        policy
          ? "Lease policy saved. VMs that become ready from now on get it."
          : "The project follows the default again.",
      );
    } catch (e) {
      setError(asSentence(plainMessage(e)));
    }
  };
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const v = values();
    const spans = FIELDS.map(([key]) => [key, parseSpan(v[key] ?? "")] as const);
    const warnings = (v.warnings ?? "")
      .split(",")
      .filter((w) => w.trim())
      .map(parseSpan);
    if (spans.some(([, s]) => s === null) || warnings.some((w) => w === null)) {
      setError("Write each duration as a number with s, m, h or d, e.g. 30d or 10m.");
      return;
    }
    void submit({
      ...(Object.fromEntries(spans) as Record<(typeof FIELDS)[number][0], number>),
      enforcement: enforcement(),
      warningsSeconds: warnings as number[],
    });
  };
  return (
    <form class="lease-policy" onSubmit={onSubmit} data-testid={`lease-policy-${props.id}`}>
      <For each={FIELDS}>
        {([key, label]) => (
          <div class="field">
            <label for={`${props.id}-${key}`}>{label}</label>
            <input
              id={`${props.id}-${key}`}
              class="input"
              value={values()[key]}
              onInput={(e) => setValues({ ...values(), [key]: e.currentTarget.value })}
            />
          </div>
        )}
      </For>
      <div class="field">
        <label for={`${props.id}-warnings`}>Warn before expiry</label>
        <input
          id={`${props.id}-warnings`}
          class="input"
          value={values().warnings}
          onInput={(e) => setValues({ ...values(), warnings: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for={`${props.id}-enforcement`}>Enforcement</label>
        <select
          id={`${props.id}-enforcement`}
          class="input"
          value={enforcement()}
          onChange={(e) => setEnforcement(e.currentTarget.value === "soft" ? "soft" : "hard")}
        >
          <option value="hard">Hard: power off at expiry, delete after grace</option>
          <option value="soft">Soft: notices only</option>
        </select>
      </div>
      <Show when={error()}>
        {(text) => (
          <p class="notice notice--danger" role="alert">
            {text()}
          </p>
        )}
      </Show>
      <div class="form-actions">
        <button type="submit" class="button button--primary">
          Save
        </button>
        <Show when={props.canClear}>
          <button type="button" class="button" onClick={() => void submit(null)}>
            Follow the default
          </button>
        </Show>
      </div>
    </form>
  );
}

function Policies(props: { policies: LeasePolicies }) {
  return (
    <>
      <section class="card" aria-labelledby="lease-default-title">
        <h2 id="lease-default-title">Tenant default ({SOURCES[props.policies.tenantDefault.source]})</h2>
        <PolicyForm
          id="default"
          policy={props.policies.tenantDefault.policy}
          projectId={null}
          canClear={false}
        />
      </section>
      <For each={props.policies.projects}>
        {(project) => (
          <section class="card" aria-labelledby={`lease-${project.projectId}-title`}>
            <h2 id={`lease-${project.projectId}-title`}>
              {project.projectName} <span class="muted">({SOURCES[project.source]})</span>
            </h2>
            <PolicyForm
              id={project.projectId}
              policy={project.policy}
              projectId={project.projectId}
              canClear={project.source === "project"}
            />
          </section>
        )}
      </For>
    </>
  );
}

/** `/admin/leases`: the tenant's default lease policy and each project's, edited in place; every change audited. */
export default function LeasesPage() {
  const policies = createAsync(() => getLeasePolicies());
  return (
    <>
      <PageHeader title="Leases" />
      <p>
        Every VM gets a lease when it becomes ready. Its owner extends it within the policy; past it, an admin
        approves. At expiry a hard lease powers the VM off and deletes it after the grace period.
      </p>
      <Show when={policies()}>{(p) => <Policies policies={p()} />}</Show>
    </>
  );
}
