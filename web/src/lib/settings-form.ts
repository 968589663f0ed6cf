import type { z } from "zod";
import { plainMessage } from "./api-errors.ts";
import { fieldErrorsOf } from "./field-errors.ts";

/** A form's values checked with the edge's own schema: the input to send, or one message per field. */
export function checkForm<S extends z.ZodType>(
  schema: S,
  values: unknown,
): { ok: true; value: z.input<S> } | { ok: false; errors: Record<string, string> } {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, value: values as z.input<S> };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** What a failed save says: under its field when the edge named one, else beside the button. */
export function serverErrors(
  error: unknown,
  message: string,
): { fields: Record<string, string>; form: string | null } {
  const fields = fieldErrorsOf(error);
  return Object.keys(fields).length > 0 ? { fields, form: null } : { fields: {}, form: message };
}

/** Shows a failed save on its form: the edge's field errors under their fields, anything else beside the button. */
export function showServerErrors(
  error: unknown,
  form: {
    setErrors: (fields: Record<string, string>) => void;
    setFormError: (message: string | null) => void;
  },
): void {
  const answer = serverErrors(error, plainMessage(error));
  form.setErrors(answer.fields);
  form.setFormError(answer.form);
}
