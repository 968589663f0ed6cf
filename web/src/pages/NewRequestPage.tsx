import type { RequestDetail } from "@gantry/shared/api/requests";
import {
  createAsync,
  useAction,
  useBeforeLeave,
  useNavigate,
  useSearchParams,
  useSubmission,
} from "@solidjs/router";
import { createEffect, createMemo, onMount, Suspense } from "solid-js";
import { NetworkSelect } from "../components/NetworkSelect.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { SizeCards } from "../components/SizeCards.tsx";
import { createNameCheck } from "../lib/create-name-check.ts";
import { createNewRequestForm } from "../lib/create-new-request-form.ts";
import { createQuotaCheck } from "../lib/create-quota-check.ts";
import { fieldErrorsOf } from "../lib/field-errors.ts";
import { makeInputKeys } from "../lib/idempotency-key.ts";
import { createRequestAction, getNetworks, getProjects, getRequest, getSizes } from "../lib/queries.ts";
import { toast } from "../lib/toasts.ts";
import { JustificationField } from "./new-request/JustificationField.tsx";
import { ProjectField } from "./new-request/ProjectField.tsx";
import { SizeQuota } from "./new-request/SizeQuota.tsx";
import { SubmitRow } from "./new-request/SubmitRow.tsx";
import { VmNameField } from "./new-request/VmNameField.tsx";

const NAME_TAKEN = "Another request in this project already uses this name. Choose another one.";

/** The earlier request "Request again" starts from (`?from=`), or null; a missing one is just no start. */
function createStartingPoint() {
  const [search] = useSearchParams();
  return createAsync(async (): Promise<RequestDetail | null> => {
    const from = typeof search.from === "string" ? search.from : null;
    return from ? getRequest(from).catch(() => null) : null;
  });
}

export default function NewRequestPage() {
  const sizes = createAsync(() => getSizes());
  const projects = createAsync(() => getProjects());
  const submission = useSubmission(createRequestAction);
  const createRequest = useAction(createRequestAction);
  const navigate = useNavigate();
  onMount(() => submission.clear());

  const form = createNewRequestForm({ projects, sizes, submitError: () => submission.error });
  // networks belong to the project's site: switching project resets the pick to that site's default.
  // They load under their own Suspense below, so a project change never blanks the page or moves focus
  const networks = createAsync(() =>
    form.projectId() ? getNetworks(form.projectId()) : Promise.resolve(undefined),
  );
  // a double click, or a retry after a lost response, creates one request
  const keyFor = makeInputKeys();

  // "Request again": the form starts as the earlier request was, once
  const start = createStartingPoint();
  let started = false;
  createEffect(() => {
    const from = start();
    if (started || !from) return;
    started = true;
    const r = from.request;
    form.set({
      name: r.name,
      projectId: r.projectId,
      size: r.size,
      networkPath: !r.network.siteDefault && r.network.path ? r.network.path : "",
      justification: r.justification,
    });
  });

  // the quota left in the chosen project; an over-quota size is refused at the field, before submit
  const quota = createQuotaCheck({
    projectId: form.projectId,
    spec: () => sizes()?.find((s) => s.size === form.size()),
  });
  const sizeError = () => quota.refusal() ?? fieldErrorsOf(submission.error).size ?? null;

  const localNameError = () => form.errorFor("name");
  const project = () => form.project();
  const nameKey = createMemo(() =>
    form.nameIsValid() && form.projectId() ? { projectId: form.projectId(), name: form.values.name } : null,
  );
  const availability = createNameCheck(nameKey);
  const nameError = () => localNameError() ?? (availability() === "taken" ? NAME_TAKEN : null);

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
    const focus = (field: string) => formRef?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
    const checked = form.attempt();
    if (checked.invalid !== null) return focus(checked.invalid);
    if (availability() === "taken") return focus("name");
    if (quota.refusal()) return focus("size");
    try {
      const created = await createRequest({ idempotencyKey: keyFor(checked.input), ...checked.input });
      submitted = true;
      navigate(`/requests/${created.requestId}`);
      toast(`Request for ${checked.input.name} submitted. An admin of your team decides on it next.`);
    } catch {
      // shown through submission.error; resubmitting the same input reuses the key, so it cannot duplicate
    }
  };

  return (
    <>
      <PageHeader title="New request" />
      <form
        ref={formRef}
        class="card"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-describedby="form-error"
      >
        <VmNameField
          value={form.values.name}
          vcenterName={nameKey() && project() ? `${project()?.vmPrefix}-${form.values.name}` : null}
          availability={availability()}
          error={nameError()}
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
        <Suspense fallback={<NetworkSelect networks={undefined} value="" error={null} onChange={() => {}} />}>
          <NetworkSelect
            networks={networks()}
            value={form.values.networkPath}
            error={form.networkError()}
            onChange={(path) => form.set("networkPath", path)}
          />
        </Suspense>
        <fieldset class="field">
          <legend>Size</legend>
          <SizeCards
            name="size"
            sizes={sizes() ?? []}
            value={form.size()}
            onChange={(s) => form.set("size", s)}
            describedBy="size-quota size-error"
          />
          <SizeQuota summary={quota.summary()} error={sizeError()} />
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
