import { Justification } from "@gantry/shared/domain/request-text";
import { VmName } from "@gantry/shared/domain/vm-name";
import type { VmSize } from "@gantry/shared/domain/vm-size";
import { sentence } from "./field-errors.ts";

/** The fields checked as the person types, in the order they stand on the form. */
export const REQUEST_FIELDS = ["name", "projectId", "justification"] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export interface RequestFormValues {
  name: string;
  /** "" until the person picks one: the first project is the default */
  projectId: string;
  justification: string;
  /** "" = the site's default network */
  networkPath: string;
  /** null until the person picks one: the catalogue's default size applies */
  size: VmSize | null;
}

export const EMPTY_REQUEST_FORM: RequestFormValues = {
  name: "",
  projectId: "",
  justification: "",
  networkPath: "",
  size: null,
};

const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? null : (result.error?.issues[0]?.message ?? "is not valid");

/** What is wrong with each field by the edge's own schemas, as a sentence; null where it is fine. */
export function localErrors(
  values: Pick<RequestFormValues, "name" | "justification">,
  projectId: string,
): Record<RequestField, string | null> {
  const name = firstMessage(VmName.safeParse(values.name));
  const justification = firstMessage(Justification.safeParse(values.justification));
  return {
    name: name && sentence("The name", name),
    projectId: projectId ? null : "Choose a project.",
    justification: justification && sentence("The justification", justification),
  };
}

/** The server's complaint about a field (from the failed submit's field errors), as a sentence. */
export function serverError(
  field: RequestField | "networkPath",
  serverErrors: Readonly<Record<string, string>>,
): string | null {
  const message = serverErrors[field];
  if (!message) return null;
  const subject = { name: "The name", projectId: "The project", justification: "The justification" };
  return sentence(field === "networkPath" ? "The network" : subject[field], message);
}

export interface RequestInput {
  projectId: string;
  name: string;
  size: VmSize;
  justification: string;
  networkPath?: string;
}

/** What `requests.create` gets (without its idempotency key): trimmed, the default network left out. */
export function requestInput(
  values: RequestFormValues,
  chosen: { projectId: string; size: VmSize },
): RequestInput {
  return {
    projectId: chosen.projectId,
    name: values.name,
    size: chosen.size,
    justification: values.justification.trim(),
    ...(values.networkPath ? { networkPath: values.networkPath } : {}),
  };
}
