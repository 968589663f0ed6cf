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
  /**
   * The SPA's OIDC client id: with it, the edge keeps the refresh token the sign-in brought and renews the
   * session at the IdP's token endpoint; without it, a session ends when its access token does.
   */
  OIDC_CLIENT_ID: z.string().default(""),
  /** how long after an unknown `kid` the JWKS may be fetched again (a rotated key is picked up after it) */
  OIDC_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /** how often the cron has each site with a connected agent scanned for reconciliation (default hourly) */
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(3600),
  /** how often a signed-in session is confirmed with the IdP again (role changes bite within this) */
  SESSION_REVALIDATE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /**
   * Key material of the sessions (the refresh tokens they hold are encrypted with a key derived from it):
   * `.dev.vars`/`--var` locally, a Worker secret in production. Without it no session is started.
   */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** An operator's bearer token for `/healthz/details` (a Worker secret); unset: only the local stack. */
  HEALTHZ_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * The operator's bearer token for `POST /ops/tenants` (onboarding a tenant; a Worker secret, never in
   * wrangler.toml). Unset: the path answers 404, as if it did not exist.
   */
  OPERATOR_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** the e-mail sender of this deployment (an address of a domain onboarded to Email Sending) */
  NOTIFY_FROM: z.email().default("gantry@example.com"),
  NOTIFY_FROM_NAME: z.string().max(100).default("Gantry"),
  /** where people open the app: links in e-mails and webhook payloads start with it */
  APP_URL: z.url().default("http://127.0.0.1:8787"),
  /** an agent offline longer than this is told to the tenant's admins */
  AGENT_OFFLINE_NOTIFY_MINUTES: z.coerce.number().int().min(1).max(10_080).default(10),
  /** the first retry of a failed delivery waits this long; each further one twice as long (capped) */
  NOTIFY_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  /**
   * Webhooks to loopback addresses (plain http allowed): the local stack and tests only, set like
   * DEV_LOGIN; a deployment refuses loopback, private and link-local targets.
   */
  WEBHOOK_LOOPBACK: z
    .enum(["on", "off"])
    .default("off")
    .transform((v) => v === "on"),
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
