import { type QuotaUsage, SetQuotaInput } from "@gantry/shared/api/quotas";
import { QUOTA_RESOURCES, type QuotaResource } from "@gantry/shared/domain/quota";
import { useAction, useSubmission } from "@solidjs/router";
import { createSignal, For } from "solid-js";
import { TextField } from "../../components/TextField.tsx";
import { setQuotaAction } from "../../lib/quota-queries.ts";
import { limitText, RESOURCE_LABELS } from "../../lib/quota-view.ts";
import { checkForm, showServerErrors } from "../../lib/settings-form.ts";
import { toast } from "../../lib/toasts.ts";
import { FormFooter } from "./FormFooter.tsx";

// a field's text as a limit: empty is unlimited; anything but digits is left for the schema to refuse
const toLimit = (text: string): number | null | string => {
  const t = text.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) ? Number(t) : t;
};

/** Edits one scope's quota: a number per resource, empty for unlimited. */
export function QuotaForm(props: { row: QuotaUsage & { projectId: string | null }; onDone: () => void }) {
  const id = (r: string) => `quota-${r}`;
  const initial = Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, limitText(props.row.limits, r)]));
  const [values, setValues] = createSignal<Record<string, string>>(initial);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const save = useAction(setQuotaAction);
  const saving = useSubmission(setQuotaAction);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (saving.pending) return;
    setFormError(null);
    const limits = Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, toLimit(values()[r] ?? "")]));
    const checked = checkForm(SetQuotaInput, { projectId: props.row.projectId, limits });
    if (!checked.ok) {
      // the schema names limits.<resource>; the field is the resource
      const fields: Record<string, string> = {};
      const parsed = SetQuotaInput.safeParse({ projectId: props.row.projectId, limits });
      for (const issue of parsed.success ? [] : parsed.error.issues)
        fields[String(issue.path[1] ?? issue.path[0])] ??=
          "must be a whole number from 0 to 1000000, or empty";
      setErrors(fields);
      document.getElementById(id(Object.keys(fields)[0] ?? "vcpu"))?.focus();
      return;
    }
    setErrors({});
    try {
      await save(checked.value);
      toast(`Saved the quota of ${props.row.name}.`);
      props.onDone();
    } catch (e) {
      showServerErrors(e, { setErrors, setFormError });
    }
  };

  return (
    <form class="card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="quota-form-title">
      <h2 id="quota-form-title">Quota of {props.row.name}</h2>
      <For each={QUOTA_RESOURCES}>
        {(r: QuotaResource) => (
          <TextField
            id={id(r)}
            label={RESOURCE_LABELS[r]}
            hint="Empty: unlimited."
            value={values()[r] ?? ""}
            onInput={(v) => setValues({ ...values(), [r]: v })}
            error={errors()[r]}
          />
        )}
      </For>
      <FormFooter
        error={formError()}
        pending={saving.pending === true}
        submit={"Save quota"}
        onCancel={() => props.onDone()}
      />
    </form>
  );
}
