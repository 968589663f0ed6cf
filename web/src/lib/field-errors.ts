import { isTRPCClientError } from "@trpc/client";
import { z } from "zod";

const FlatErrors = z.object({ fieldErrors: z.record(z.string(), z.array(z.string()).optional()) });
const Issues = z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }));

const firstByField = (entries: Iterable<[string, string]>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [field, message] of entries) out[field] ??= message;
  return out;
};

/**
 * Per-field messages from a failed tRPC call: the flattened zod error the edge attaches
 * (`data.zodError`), or zod issues carried in the message. Empty when the error is not about fields.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!isTRPCClientError(error)) return {};
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "zodError" in data) {
    const flat = FlatErrors.safeParse(data.zodError);
    if (flat.success) {
      return firstByField(
        Object.entries(flat.data.fieldErrors).flatMap(([field, messages]) =>
          messages?.[0] === undefined ? [] : [[field, messages[0]] as [string, string]],
        ),
      );
    }
  }
  try {
    const issues = Issues.safeParse(JSON.parse(error.message));
    if (issues.success) {
      return firstByField(
        issues.data.flatMap((i) =>
          typeof i.path[0] === "string" ? [[i.path[0], i.message] as [string, string]] : [],
        ),
      );
    }
  } catch {
    // a plain sentence, not JSON: not about fields
  }
  return {};
}

/** "must be at least 3 characters" → "The name must be at least 3 characters." */
export const sentence = (subject: string, message: string): string =>
  `${subject} ${message.replace(/\.$/, "")}.`;
