import { TRPCError } from "@trpc/server";
import type { SettingsError } from "../commands/settings-error.ts";
import { fieldError } from "./errors.ts";

// how the settings area's refusals (projects, sites, people, sizes) answer over tRPC

const NOT_FOUND = {
  project: "project not found",
  site: "site not found",
  person: "person not found",
  size: "size not found",
};

export function settingsError(error: SettingsError): TRPCError {
  switch (error.code) {
    case "NOT_FOUND":
      return new TRPCError({ code: "NOT_FOUND", message: NOT_FOUND[error.what] });
    case "FIELD":
      return fieldError("CONFLICT", { path: error.field, message: error.message, input: error.input });
    case "IN_USE":
      return new TRPCError({ code: "PRECONDITION_FAILED", message: error.message });
    case "LAST_ADMIN":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: "the tenant's last admin stays an admin; make someone else admin first",
      });
    case "CONCURRENT_MODIFICATION":
      return new TRPCError({ code: "CONFLICT", message: "it changed at the same moment; try again" });
  }
}

export const settled = <T>(result: { ok: true; value: T } | { ok: false; error: SettingsError }): T => {
  if (!result.ok) throw settingsError(result.error);
  return result.value;
};
