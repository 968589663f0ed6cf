import { z } from "zod";

/** Hono's type parameters for the edge app: bindings from wrangler.toml. */
export interface EdgeEnv {
  Bindings: Env;
}

/** The Worker's vars, validated once per request; a misconfiguration names every bad field. */
const commaList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  );

const EdgeVars = z.object({
  ALLOWED_ORIGINS: commaList,
  /** OIDC for API clients and the production sign-in; empty issuer = bearer tokens are refused. */
  OIDC_ISSUER: z.string().default(""),
  OIDC_AUDIENCE: z.string().default(""),
  OIDC_JWKS_URL: z.string().default(""),
  /** asymmetric algorithms only: `none` and HMAC are never accepted for access tokens */
  OIDC_ALGORITHMS: commaList.pipe(
    z.array(z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"])),
  ),
  /** HMAC key of the session cookie: `.dev.vars`/`--var` locally, a Worker secret in production. */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Only ever set in `.dev.vars` or test bindings; never in wrangler.toml. */
  DEV_LOGIN: z
    .enum(["on", "off"])
    .default("off")
    .transform((v) => v === "on"),
});
export type EdgeVars = z.infer<typeof EdgeVars>;

export function parseVars(env: unknown): EdgeVars {
  const parsed = EdgeVars.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid Worker configuration: ${fields}`);
  }
  return parsed.data;
}
