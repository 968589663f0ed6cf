import type { ProjectOption, SizeOption } from "@gantry/shared/api/catalog";
import { DEFAULT_VM_SIZE, type VmSize } from "@gantry/shared/domain/vm-size";
import { type Accessor, createMemo, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { plainMessage } from "./api-errors.ts";
import { fieldErrorsOf } from "./field-errors.ts";
import {
  EMPTY_REQUEST_FORM,
  localErrors,
  REQUEST_FIELDS,
  type RequestField,
  type RequestFormValues,
  type RequestInput,
  requestInput,
  serverError,
} from "./new-request-form.ts";

/**
 * The new-request form's state: what was typed, the defaults it falls back on (first project, the
 * catalogue's default size), and which error each field shows when. The name is checked as you type;
 * the others once you leave them or try to submit; the server's complaints after a failed submit.
 */
export function createNewRequestForm(sources: {
  projects: Accessor<readonly ProjectOption[] | undefined>;
  sizes: Accessor<readonly SizeOption[] | undefined>;
  /** the last submit's error, if it failed */
  submitError: Accessor<unknown>;
}) {
  const [values, setValues] = createStore<RequestFormValues>({ ...EMPTY_REQUEST_FORM });
  const [touched, setTouched] = createStore<Record<RequestField, boolean>>({
    name: false,
    projectId: false,
    justification: false,
  });
  const [attempted, setAttempted] = createSignal(false);

  const defaultSize = createMemo<VmSize>(
    () => sources.sizes()?.find((s) => s.isDefault)?.size ?? DEFAULT_VM_SIZE,
  );
  const size = () => values.size ?? defaultSize();
  const projectId = createMemo(() => values.projectId || sources.projects()?.[0]?.projectId || "");
  const project = createMemo(() => sources.projects()?.find((p) => p.projectId === projectId()));
  const checked = createMemo(() => localErrors(values, projectId()));
  const serverErrors = createMemo(() => fieldErrorsOf(sources.submitError()));
  const shows = (field: RequestField) =>
    attempted() || touched[field] || (field === "name" && values.name.length > 0);

  return {
    values,
    size,
    projectId,
    project,
    set: setValues,
    /** the person left the field: its error shows from now on */
    touch: (field: RequestField) => setTouched(field, true),
    errorFor: (field: RequestField): string | null =>
      (shows(field) && checked()[field]) || serverError(field, serverErrors()),
    networkError: () => serverError("networkPath", serverErrors()),
    /** the name passes the edge's own rules (whether it is free is asked separately) */
    nameIsValid: () => checked().name === null,
    formError: createMemo(() => {
      const error = sources.submitError();
      if (!error) return null;
      return Object.keys(serverErrors()).length > 0 ? "Some fields need attention." : plainMessage(error);
    }),
    /** typed-in text that leaving the page would lose */
    dirty: () => values.name !== "" || values.justification.trim() !== "",
    /**
     * On submit: shows every field's error and answers the first field in error, or null and the
     * input to send.
     */
    attempt: (): { invalid: RequestField } | { invalid: null; input: RequestInput } => {
      setAttempted(true);
      const invalid = REQUEST_FIELDS.find((f) => checked()[f] !== null);
      if (invalid) return { invalid };
      return { invalid: null, input: requestInput(values, { projectId: projectId(), size: size() }) };
    },
  };
}
