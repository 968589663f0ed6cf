import { AddSizeInput, type SizeSetting } from "@gantry/shared/api/sizes";
import { useAction, useSubmission } from "@solidjs/router";
import { createSignal } from "solid-js";
import { TextField } from "../../components/TextField.tsx";
import { addSizeAction, editSizeAction } from "../../lib/queries.ts";
import { checkForm, showServerErrors } from "../../lib/settings-form.ts";
import { toast } from "../../lib/toasts.ts";
import { FormFooter } from "./FormFooter.tsx";

/** Adds a size (code, label, vCPU, memory, disk), or (with `size`) changes one no request used yet. */
export function SizeForm(props: { size: SizeSetting | null; onDone: () => void }) {
  const id = (field: string) => `size-${field}`;
  const initial = props.size;
  const [code, setCode] = createSignal(initial?.code ?? "");
  const [label, setLabel] = createSignal(initial?.label ?? "");
  const [cpu, setCpu] = createSignal(initial ? String(initial.spec.cpu) : "");
  const [memoryGb, setMemoryGb] = createSignal(initial ? String(initial.spec.memoryGb) : "");
  const [diskGb, setDiskGb] = createSignal(initial ? String(initial.spec.diskGb) : "");
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const add = useAction(addSizeAction);
  const edit = useAction(editSizeAction);
  const adding = useSubmission(addSizeAction);
  const editing = useSubmission(editSizeAction);
  const pending = () => adding.pending === true || editing.pending === true;
  // an empty or non-numeric box is left as text, so the schema names it rather than reading it as 0
  const number = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text);

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    setFormError(null);
    const values = {
      code: code().trim(),
      label: label().trim(),
      cpu: number(cpu()),
      memoryGb: number(memoryGb()),
      diskGb: number(diskGb()),
    };
    const checked = checkForm(AddSizeInput, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      document.getElementById(id(Object.keys(checked.errors)[0] ?? "code"))?.focus();
      return;
    }
    setErrors({});
    try {
      if (initial) await edit(checked.value);
      else await add(checked.value);
      toast(
        initial ? `Saved size ${values.code}.` : `Added size ${values.code}; the request form offers it now.`,
      );
      if (!initial) for (const clear of [setCode, setLabel, setCpu, setMemoryGb, setDiskGb]) clear("");
      props.onDone();
    } catch (e) {
      showServerErrors(e, { setErrors, setFormError });
    }
  };

  return (
    <form class="card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="size-form-title">
      <h2 id="size-form-title">{initial ? `Change size ${initial.code}` : "New size"}</h2>
      <TextField
        id={id("code")}
        label="Code"
        hint={
          initial
            ? "A size's code never changes."
            : "What requests name: up to 16 letters, digits, '.', '_' or '-'."
        }
        value={code()}
        onInput={setCode}
        error={errors().code}
        disabled={initial !== null}
        mono
      />
      <TextField id={id("label")} label="Label" value={label()} onInput={setLabel} error={errors().label} />
      <TextField id={id("cpu")} label="vCPU" value={cpu()} onInput={setCpu} error={errors().cpu} />
      <TextField
        id={id("memoryGb")}
        label="Memory (GB)"
        value={memoryGb()}
        onInput={setMemoryGb}
        error={errors().memoryGb}
      />
      <TextField
        id={id("diskGb")}
        label="Disk (GB)"
        value={diskGb()}
        onInput={setDiskGb}
        error={errors().diskGb}
      />
      <FormFooter
        error={formError()}
        pending={pending()}
        submit={initial ? "Save size" : "Add size"}
        onCancel={initial ? () => props.onDone() : null}
      />
    </form>
  );
}
