import { DevLoginInput, type SessionUser, TokenSessionInput } from "@gantry/shared/api/session";
import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { z } from "zod";
import { bearerVerifierFor, isSecureRequest } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import { LOCAL_COOKIE, SESSION_TTL_SECONDS, signSession } from "../auth/session-cookie.ts";
import { findUserByEmail, listUsers } from "../auth/users.ts";
import type { EdgeEnv } from "../env.ts";
import { parseVars } from "../env.ts";
import { getTenant } from "../tenancy/tenants.ts";
import { isLocalDevRequest } from "./local-dev.ts";

async function parseBody<T extends z.ZodType>(
  c: Context<EdgeEnv>,
  schema: T,
): Promise<z.infer<T> | Response> {
  const parsed = schema.safeParse(await c.req.json().catch(() => null));
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => i.path.join(".") || "(body)");
  return c.json({ error: "invalid input", fields }, 400);
}

/** Sets the session cookie for the request's scheme (see session-cookie.ts for the naming). */
async function startSession(c: Context<EdgeEnv>, principal: Omit<Principal, "via">): Promise<Response> {
  const secret = parseVars(c.env).SESSION_SECRET;
  if (!secret) return c.json({ error: "sessions are not configured" }, 503);
  const value = await signSession(principal, { secret, now: new Date() });
  const options = { httpOnly: true, sameSite: "Lax", path: "/", maxAge: SESSION_TTL_SECONDS } as const;
  if (isSecureRequest(c.req.raw))
    setCookie(c, LOCAL_COOKIE, value, { ...options, secure: true, prefix: "host" });
  else setCookie(c, LOCAL_COOKIE, value, options);
  const tenant = await getTenant(c.env.DB, principal.tenantId);
  const user: SessionUser = { ...principal, tenantName: tenant?.name ?? null };
  return c.json({ user });
}

/** `/auth/*`: session cookies for browsers. All POSTs pass the CSRF guard first (app.ts). */
export const authRoutes = new Hono<EdgeEnv>()
  .get("/dev-login", async (c) => {
    if (!isLocalDevRequest(c)) return c.notFound();
    const users = await listUsers(c.env.DB);
    return c.json({
      users: users.map(({ email, name, role, tenantName }) => ({ email, name, role, tenantName })),
    });
  })
  .post("/dev-login", async (c) => {
    if (!isLocalDevRequest(c)) return c.notFound();
    const input = await parseBody(c, DevLoginInput);
    if (input instanceof Response) return input;
    const user = await findUserByEmail(c.env.DB, input.email);
    if (!user) return c.json({ error: "no seeded user with this email" }, 401);
    return startSession(c, user);
  })
  .post("/session", async (c) => {
    // the SPA completes OIDC (PKCE) with the IdP and trades the access token for the httpOnly cookie
    const input = await parseBody(c, TokenSessionInput);
    if (input instanceof Response) return input;
    const verify = bearerVerifierFor(parseVars(c.env));
    const verified = verify ? await verify(input.accessToken) : null;
    if (!verified?.ok) return c.json({ error: "invalid access token" }, 401);
    const { via: _via, ...principal } = verified.value;
    // a genuine token for a tenant Gantry has no record of opens nothing (one IdP may serve many tenants)
    if (!(await getTenant(c.env.DB, principal.tenantId))) return c.json({ error: "unknown tenant" }, 403);
    return startSession(c, principal);
  })
  .post("/logout", (c) => {
    if (isSecureRequest(c.req.raw))
      deleteCookie(c, LOCAL_COOKIE, { path: "/", secure: true, prefix: "host" });
    else deleteCookie(c, LOCAL_COOKIE, { path: "/" });
    return c.json({ ok: true });
  });
