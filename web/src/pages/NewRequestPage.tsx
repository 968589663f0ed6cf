import type { ProjectOption, SizeOption } from "@gantry/shared/api/catalog";
import { JUSTIFICATION_MAX, JUSTIFICATION_MIN, Justification } from "@gantry/shared/domain/request-text";
import { VM_NAME_MAX, VM_NAME_MIN, VmName } from "@gantry/shared/domain/vm-name";
import { DEFAULT_VM_SIZE, type VmSize } from "@gantry/shared/domain/vm-size";
import { createAsync, useAction, useBeforeLeave, useNavigate, useSubmission } from "@solidjs/router";
import { createMemo, createSignal, For, onMount, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { FieldError } from "../components/FieldError.tsx";
import { NetworkSelect } from "../components/NetworkSelect.tsx";
import { SizeCards } from "../components/SizeCards.tsx";
import { plainMessage } from "../lib/api-errors.ts";
import { fieldErrorsOf, sentence } from "../lib/field-errors.ts";
import { newIdempotencyKey } from "../lib/idempotency-key.ts";
import { createRequestAction, getNetworks, getProjects, getSizes } from "../lib/queries.ts";

type Field = "name" | "projectId" | "justification";

interface FormState {
  name: string;
  /** "" until the person picks one: the first project is the default */
  projectId: string;
  justification: string;
  /** "" = the site's default network */
  networkPath: string;
  /** null until the person picks one: the catalogue's default size applies */
  size: VmSize | null;
}

const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? null : (result.error?.issues[0]?.message ?? "is not valid");

export default function NewRequestPage() {
  const sizes = createAsync(() => getSizes());
  const projects = createAsync(() => getProjects());
  const submission = useSubmission(createRequestAction);
  const createRequest = useAction(createRequestAction);
  const navigate = useNavigate();
  onMount(() => submission.clear());

  const [form, setForm] = createStore<FormState>({
    name: "",
    projectId: "",
    justification: "",
    networkPath: "",
    size: null,
  });
  const [touched, setTouched] = createStore<Record<Field, boolean>>({
    name: false,
    projectId: false,
    justification: false,
  });
  const [attempted, setAttempted] = createSignal(false);
  // one key per distinct input: a double click, or a retry after a lost response, creates one request;
  // changed input after a failure is a new request and gets a new key
  let idempotencyKey = newIdempotencyKey();
  let sentWithKey: string | null = null;

  const defaultSize = createMemo<VmSize>(
    () => sizes()?.find((s: SizeOption) => s.isDefault)?.size ?? DEFAULT_VM_SIZE,
  );
  const size = () => form.size ?? defaultSize();
  const projectId = createMemo(() => form.projectId || projects()?.[0]?.projectId || "");
  const project = createMemo(() => projects()?.find((p: ProjectOption) => p.projectId === projectId()));
  // networks belong to the project's site: switching project resets the pick to that site's default
  const networks = createAsync(() => (projectId() ? getNetworks(projectId()) : Promise.resolve(undefined)));
  const networkError = () => {
    const server = serverErrors().networkPath;
    return server ? sentence("The network", server) : null;
  };

  const localErrors = createMemo<Record<Field, string | null>>(() => {
    const name = firstMessage(VmName.safeParse(form.name));
    const justification = firstMessage(Justification.safeParse(form.justification));
    return {
      name: name && sentence("The name", name),
      projectId: projectId() ? null : "Choose a project.",
      justification: justification && sentence("The justification", justification),
    };
  });
  const serverErrors = createMemo(() => fieldErrorsOf(submission.error));
  // the name is checked as you type; the others once you leave them or try to submit
  const shows = (field: Field) => attempted() || touched[field] || (field === "name" && form.name.length > 0);
  const errorFor = (field: Field): string | null => {
    if (shows(field) && localErrors()[field]) return localErrors()[field];
    const server = serverErrors()[field];
    return server ? sentence(field === "projectId" ? "The project" : `The ${field}`, server) : null;
  };
  const formError = createMemo(() => {
    if (!submission.error) return null;
    return Object.keys(serverErrors()).length > 0
      ? "Some fields need attention."
      : plainMessage(submission.error);
  });

  // leaving with typed-in text asks first; a successful submit leaves freely
  let submitted = false;
  const dirty = () => form.name !== "" || form.justification.trim() !== "";
  useBeforeLeave((event) => {
    if (submitted || !dirty() || event.defaultPrevented) return;
    event.preventDefault();
    if (window.confirm("Leave this page? The request you started is not submitted yet.")) event.retry(true);
  });

  let formRef: HTMLFormElement | undefined;
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submission.pending) return;
    setAttempted(true);
    const errors = localErrors();
    const firstInvalid = (["name", "projectId", "justification"] as const).find((f) => errors[f] !== null);
    if (firstInvalid) {
      formRef?.querySelector<HTMLElement>(`[name="${firstInvalid}"]`)?.focus();
      return;
    }
    const input = {
      projectId: projectId(),
      name: form.name,
      size: size(),
      justification: form.justification.trim(),
      ...(form.networkPath ? { networkPath: form.networkPath } : {}),
    };
    const fingerprint = JSON.stringify(input);
    if (sentWithKey !== null && sentWithKey !== fingerprint) idempotencyKey = newIdempotencyKey();
    sentWithKey = fingerprint;
    try {
      const created = await createRequest({ idempotencyKey, ...input });
      submitted = true;
      navigate(`/requests/${created.requestId}`);
    } catch {
      // shown through submission.error; resubmitting the same input reuses the key, so it cannot duplicate
    }
  };

  return (
    <>
      <div class="page-header">
        <h1>New request</h1>
      </div>
      <form
        ref={formRef}
        class="card"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-describedby="form-error"
      >
        <div class="field">
          <label for="vm-name">VM name</label>
          <input
            id="vm-name"
            name="name"
            class="input mono"
            autocomplete="off"
            spellcheck={false}
            value={form.name}
            onInput={(e) => setForm("name", e.currentTarget.value)}
            onBlur={() => setTouched("name", true)}
            aria-invalid={errorFor("name") ? "true" : "false"}
            aria-describedby="vm-name-hint vm-name-error"
            maxlength={VM_NAME_MAX + 10}
          />
          <span id="vm-name-hint" class="field__hint">
            {VM_NAME_MIN}–{VM_NAME_MAX} lowercase letters, digits and hyphens; it also becomes the hostname.
            <Show when={project() && form.name}>
              {" "}
              In vCenter: <span class="mono">{`${project()?.vmPrefix}-${form.name}`}</span>
            </Show>
          </span>
          <FieldError id="vm-name-error" message={errorFor("name")} />
        </div>

        <div class="field">
          <label for="project">Project</label>
          <select
            id="project"
            name="projectId"
            class="select"
            value={projectId()}
            onChange={(e) => setForm({ projectId: e.currentTarget.value, networkPath: "" })}
            onBlur={() => setTouched("projectId", true)}
            aria-invalid={errorFor("projectId") ? "true" : "false"}
            aria-describedby="project-error"
          >
            <For each={projects() ?? []}>
              {(p) => (
                <option value={p.projectId} selected={p.projectId === projectId()}>
                  {p.name}
                </option>
              )}
            </For>
          </select>
          <FieldError id="project-error" message={errorFor("projectId")} />
        </div>

        <NetworkSelect
          networks={networks()}
          value={form.networkPath}
          error={networkError()}
          onChange={(path) => setForm("networkPath", path)}
        />

        <fieldset class="field">
          <legend>Size</legend>
          <SizeCards name="size" sizes={sizes() ?? []} value={size()} onChange={(s) => setForm("size", s)} />
        </fieldset>

        <div class="field">
          <label for="justification">Justification</label>
          <textarea
            id="justification"
            name="justification"
            class="textarea"
            value={form.justification}
            onInput={(e) => setForm("justification", e.currentTarget.value)}
            onBlur={() => setTouched("justification", true)}
            aria-invalid={errorFor("justification") ? "true" : "false"}
            aria-describedby="justification-hint justification-error"
          />
          <span id="justification-hint" class="field__hint tabular">
            What is the VM for? {JUSTIFICATION_MIN}–{JUSTIFICATION_MAX} characters ·{" "}
            {form.justification.trim().length} so far
          </span>
          <FieldError id="justification-error" message={errorFor("justification")} />
        </div>

        <div id="form-error" class="field__error" role="alert">
          {formError() ?? ""}
        </div>
        <div class="form-actions">
          <button
            type="submit"
            class="button button--primary"
            disabled={submission.pending}
            aria-busy={submission.pending}
          >
            {submission.pending ? "Submitting…" : "Submit request"}
          </button>
        </div>
      </form>
    </>
  );
}
