import { z } from "zod";

/** The Worker's vars, validated once per request; a misconfiguration names every bad field. */
const EdgeVars = z.object({
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  OIDC_ISSUER: z.string().default(""),
  OIDC_AUDIENCE: z.string().default(""),
  /** Only ever set in `.dev.vars` or test bindings; never in wrangler.toml. */
  DEV_LOGIN: z
    .enum(["on", "off"])
    .default("off")
    .transform((v) => v === "on"),
});
export type EdgeVars = z.infer<typeof EdgeVars>;

export function parseVars(env: Record<string, unknown>): EdgeVars {
  const parsed = EdgeVars.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid Worker configuration: ${fields}`);
  }
  return parsed.data;
}
