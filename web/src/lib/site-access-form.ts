import { DnsDomain, LoginUser } from "@gantry/shared/domain/vm-access";
import { sentence } from "./field-errors.ts";

export const ACCESS_FIELDS = ["dnsDomain", "loginUser"] as const;
export type AccessField = (typeof ACCESS_FIELDS)[number];
export type AccessValues = Record<AccessField, string>;

const SUBJECT: Record<AccessField, string> = { dnsDomain: "The DNS domain", loginUser: "The login user" };
const SCHEMA = { dnsDomain: DnsDomain, loginUser: LoginUser };

/**
 * How people reach the site's VMs, as the site's update takes it: blank is "not set" (null), anything
 * else must pass the edge's own rule, or the first field that does not is named with why.
 */
export function accessUpdate(
  values: AccessValues,
):
  | { ok: true; value: Record<AccessField, string | null> }
  | { ok: false; field: AccessField; message: string } {
  const value: Record<AccessField, string | null> = { dnsDomain: null, loginUser: null };
  for (const field of ACCESS_FIELDS) {
    if (values[field].trim() === "") continue;
    const parsed = SCHEMA[field].safeParse(values[field]);
    if (!parsed.success)
      return {
        ok: false,
        field,
        message: sentence(SUBJECT[field], parsed.error.issues[0]?.message ?? "is not valid"),
      };
    value[field] = parsed.data;
  }
  return { ok: true, value };
}
