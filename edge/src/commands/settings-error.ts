/**
 * Why a settings change was refused. `FIELD` is about one input field (the form shows it there);
 * `IN_USE` says what still uses the thing; another tenant's project, site, person or size is `NOT_FOUND`.
 */
export type SettingsError =
  | { code: "NOT_FOUND"; what: "project" | "site" | "person" | "size" }
  | { code: "FIELD"; field: string; message: string; input: unknown }
  | { code: "IN_USE"; message: string }
  | { code: "LAST_ADMIN" }
  | { code: "CONCURRENT_MODIFICATION" };

export const fieldRefusal = (field: string, message: string, input: unknown): SettingsError => ({
  code: "FIELD",
  field,
  message,
  input,
});
