import { DevLoginInput, LogoutInput, type SessionUser, TokenSessionInput } from "@gantry/shared/api/session";
import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { z } from "zod";
import {
  authenticateRequest,
  bearerVerifierFor,
  isSecureRequest,
  sessionCookie,
  sessionRenewalFor,
} from "../auth/authenticate.ts";
import { type IdpGrant, startSession } from "../auth/browser-session.ts";
import { forgetSession } from "../auth/session-cache.ts";
import { isSessionToken, LOCAL_COOKIE, sessionIdHash } from "../auth/session-cookie.ts";
import { endSession, SESSION_TTL_MS, type SessionIdentity, type SessionSource } from "../auth/sessions.ts";
import { findUserByEmail, listUsers, recordSignIn } from "../auth/users.ts";
import { endSessionsOfPerson } from "../commands/end-sessions.ts";
import { workerDeps } from "../deps.ts";
import type { EdgeEnv } from "../env.ts";
import { parseVars } from "../env.ts";
import { logEvent } from "../log.ts";
import { getTenant } from "../tenancy/tenants.ts";
import { isLocalDevRequest } from "./local-dev.ts";
import { clientIp, rateLimited } from "./rate-limit.ts";

async function parseBody<T extends z.ZodType>(
  c: Context<EdgeEnv>,
  schema: T,
): Promise<z.infer<T> | Response> {
  const parsed = schema.safeParse(await c.req.json().catch(() => null));
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => i.path.join(".") || "(body)");
  return c.json({ error: "invalid input", fields }, 400);
}

/** Starts a server-side session and sets its cookie for the request's scheme (see session-cookie.ts). */
async function signIn(
  c: Context<EdgeEnv>,
  input: { identity: SessionIdentity; source: SessionSource; grant: IdpGrant | null },
): Promise<Response> {
  const vars = parseVars(c.env);
  const secret = vars.SESSION_SECRET;
  if (!secret) return c.json({ error: "sessions are not configured" }, 503);
  const token = await startSession(
    {
      db: c.env.DB,
      now: Date.now(),
      secret,
      revalidateMs: vars.SESSION_REVALIDATE_SECONDS * 1000,
      renewal: sessionRenewalFor(vars, c.env.DB),
    },
    input,
  );
  const maxAge = SESSION_TTL_MS / 1000;
  const options = { httpOnly: true, sameSite: "Lax", path: "/", maxAge } as const;
  if (isSecureRequest(c.req.raw))
    setCookie(c, LOCAL_COOKIE, token, { ...options, secure: true, prefix: "host" });
  else setCookie(c, LOCAL_COOKIE, token, options);
  const tenant = await getTenant(c.env.DB, input.identity.tenantId);
  const user: SessionUser = { ...input.identity, tenantName: tenant?.name ?? null };
  return c.json({ user });
}

function clearCookie(c: Context<EdgeEnv>): void {
  if (isSecureRequest(c.req.raw)) deleteCookie(c, LOCAL_COOKIE, { path: "/", secure: true, prefix: "host" });
  else deleteCookie(c, LOCAL_COOKIE, { path: "/" });
}

/** Why an access token was refused, in words the sign-in page may show; nothing about keys or signatures. */
const TOKEN_REFUSALS = {
  CLAIM_TOO_LONG: 400,
  NOT_AN_ACCESS_TOKEN: 401,
} as const;

/** `/auth/*`: browser sessions. All POSTs pass the CSRF guard first (app.ts). */
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
    // per address and person: the local stack's tests sign many people in from one address
    const limited = await rateLimited(c, "signIn", [`dev-login:${clientIp(c)}:${input.email}`]);
    if (limited) return limited;
    const user = await findUserByEmail(c.env.DB, input.email);
    if (!user) return c.json({ error: "no seeded user with this email" }, 401);
    const { userId, tenantId, role, email, name } = user;
    return signIn(c, { identity: { userId, tenantId, role, email, name }, source: "dev", grant: null });
  })
  .post("/session", async (c) => {
    // the SPA completes OIDC (PKCE) with the IdP and trades its tokens for the httpOnly cookie
    const limited = await rateLimited(c, "signIn", [`session:${clientIp(c)}`]);
    if (limited) return limited;
    const input = await parseBody(c, TokenSessionInput);
    if (input instanceof Response) return input;
    const verify = bearerVerifierFor(parseVars(c.env), c.env.DB);
    if (!verify) return c.json({ error: "invalid access token" }, 401);
    const verified = await verify(input.accessToken);
    if (!verified.ok) {
      const { code, detail } = verified.error;
      logEvent("warn", "access token refused at sign-in", { code, detail });
      if (code === "IDP_UNAVAILABLE")
        return c.json({ error: "the identity provider's keys could not be read; try again shortly" }, 503);
      if (code === "CLAIM_TOO_LONG" || code === "NOT_AN_ACCESS_TOKEN")
        return c.json({ error: "invalid access token", reason: detail }, TOKEN_REFUSALS[code]);
      // a genuine token no tenant's stored IdP binding names: one IdP may serve many tenants, or none here
      if (code === "UNBOUND_TENANT")
        return c.json(
          { error: "no Gantry tenant is bound to your identity provider's account", reason: detail },
          403,
        );
      return c.json({ error: "invalid access token" }, 401);
    }
    const { via: _via, ...identity } = verified.value.principal;
    const grant = { expiresAt: verified.value.expiresAt, refreshToken: input.refreshToken ?? null };
    // the person is on record from now on (the settings area lists them; an admin may promote them)
    const role = await recordSignIn(c.env.DB, identity);
    return signIn(c, { identity: { ...identity, role }, source: "oidc", grant });
  })
  .post("/logout", async (c) => {
    const input = await parseBody(c, LogoutInput);
    if (input instanceof Response) return input;
    const cookie = sessionCookie(c.req.raw);
    if (input.everywhere) {
      const auth = await authenticateRequest(c.req.raw, c.env);
      if (!auth.principal) return c.json({ error: "sign in first" }, 401);
      const ended = await endSessionsOfPerson(workerDeps(c.env), {
        actor: auth.principal,
        userId: auth.principal.userId,
        reason: "signed-out-everywhere",
      });
      if (!ended.ok) return c.json({ error: "try again" }, 409);
    } else if (cookie !== null && isSessionToken(cookie)) {
      const idHash = await sessionIdHash(cookie);
      await endSession(c.env.DB, { idHash, now: Date.now(), reason: "logout" });
      forgetSession(idHash);
    }
    clearCookie(c);
    return c.json({ ok: true });
  });
