import { isTRPCClientError } from "@trpc/client";
import { z } from "zod";

// the edge's error formatter attaches `data.fields` to input-validation failures
const Fields = z.object({ fields: z.array(z.object({ path: z.string(), message: z.string() })).max(100) });

const firstByField = (entries: Iterable<[string, string]>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [field, message] of entries) out[field] ??= message;
  return out;
};

/** Per-field messages from a failed tRPC call, keyed by the input's top-level field; empty when not about fields. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!isTRPCClientError(error)) return {};
  const parsed = Fields.safeParse(error.data);
  if (!parsed.success) return {};
  return firstByField(
    parsed.data.fields.map((f): [string, string] => [f.path.split(".")[0] ?? f.path, f.message]),
  );
}

/** "must be at least 3 characters" → "The name must be at least 3 characters." */
export const sentence = (subject: string, message: string): string =>
  `${subject} ${message.replace(/\.$/, "")}.`;
