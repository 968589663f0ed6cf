import { createAsync, useAction, useBeforeLeave, useNavigate, useSubmission } from "@solidjs/router";
import { onMount } from "solid-js";
import { NetworkSelect } from "../components/NetworkSelect.tsx";
import { SizeCards } from "../components/SizeCards.tsx";
import { createNewRequestForm } from "../lib/create-new-request-form.ts";
import { makeInputKeys } from "../lib/idempotency-key.ts";
import { createRequestAction, getNetworks, getProjects, getSizes } from "../lib/queries.ts";
import { JustificationField } from "./new-request/JustificationField.tsx";
import { ProjectField } from "./new-request/ProjectField.tsx";
import { SubmitRow } from "./new-request/SubmitRow.tsx";
import { VmNameField } from "./new-request/VmNameField.tsx";

export default function NewRequestPage() {
  const sizes = createAsync(() => getSizes());
  const projects = createAsync(() => getProjects());
  const submission = useSubmission(createRequestAction);
  const createRequest = useAction(createRequestAction);
  const navigate = useNavigate();
  onMount(() => submission.clear());

  const form = createNewRequestForm({ projects, sizes, submitError: () => submission.error });
  // networks belong to the project's site: switching project resets the pick to that site's default
  const networks = createAsync(() =>
    form.projectId() ? getNetworks(form.projectId()) : Promise.resolve(undefined),
  );
  // a double click, or a retry after a lost response, creates one request
  const keyFor = makeInputKeys();

  // leaving with typed-in text asks first; a successful submit leaves freely
  let submitted = false;
  useBeforeLeave((event) => {
    if (submitted || !form.dirty() || event.defaultPrevented) return;
    event.preventDefault();
    if (window.confirm("Leave this page? The request you started is not submitted yet.")) event.retry(true);
  });

  let formRef: HTMLFormElement | undefined;
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submission.pending) return;
    const checked = form.attempt();
    if (checked.invalid !== null) {
      formRef?.querySelector<HTMLElement>(`[name="${checked.invalid}"]`)?.focus();
      return;
    }
    try {
      const created = await createRequest({ idempotencyKey: keyFor(checked.input), ...checked.input });
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
        <VmNameField
          value={form.values.name}
          vmPrefix={form.project()?.vmPrefix}
          error={form.errorFor("name")}
          onInput={(name) => form.set("name", name)}
          onBlur={() => form.touch("name")}
        />
        <ProjectField
          projects={projects() ?? []}
          value={form.projectId()}
          error={form.errorFor("projectId")}
          onChange={(projectId) => form.set({ projectId, networkPath: "" })}
          onBlur={() => form.touch("projectId")}
        />
        <NetworkSelect
          networks={networks()}
          value={form.values.networkPath}
          error={form.networkError()}
          onChange={(path) => form.set("networkPath", path)}
        />
        <fieldset class="field">
          <legend>Size</legend>
          <SizeCards
            name="size"
            sizes={sizes() ?? []}
            value={form.size()}
            onChange={(s) => form.set("size", s)}
          />
        </fieldset>
        <JustificationField
          value={form.values.justification}
          error={form.errorFor("justification")}
          onInput={(text) => form.set("justification", text)}
          onBlur={() => form.touch("justification")}
        />
        <SubmitRow formError={form.formError()} pending={submission.pending} />
      </form>
    </>
  );
}
