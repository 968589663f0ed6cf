import { Role } from "@gantry/shared/api/session";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import type { Principal } from "./principal.ts";

/**
 * The browser session: a signed (HMAC-SHA256) cookie carrying who the user is and until when.
 * Over HTTPS it is `__Host-gantry_session` (Secure, host-only, Path=/); browsers drop Secure cookies
 * set over plain http, so on http://127.0.0.1 the local stack uses `gantry_session` instead.
 * Only the name matching the request's scheme is ever read.
 */
export const SECURE_COOKIE = "__Host-gantry_session";
export const LOCAL_COOKIE = "gantry_session";
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

export const sessionCookieName = (secure: boolean): string => (secure ? SECURE_COOKIE : LOCAL_COOKIE);

const SessionClaims = z.object({
  v: z.literal(1),
  sub: z.string().min(1),
  tid: z.string().min(1),
  role: Role,
  email: z.string(),
  name: z.string(),
  exp: z.number().int(),
});
type SessionClaims = z.infer<typeof SessionClaims>;

export type SessionFailure = { code: "MALFORMED" | "BAD_SIGNATURE" | "EXPIRED" };

const encoder = new TextEncoder();

const toBase64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const hmacKey = (secret: string) =>
  crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);

/** Issues the cookie value for a principal, valid for `ttlSeconds` from `now`. */
export async function signSession(
  principal: Omit<Principal, "via">,
  options: { secret: string; now: Date; ttlSeconds?: number },
): Promise<string> {
  const claims: SessionClaims = {
    v: 1,
    sub: principal.userId,
    tid: principal.tenantId,
    role: principal.role,
    email: principal.email,
    name: principal.name,
    exp: Math.floor(options.now.getTime() / 1000) + (options.ttlSeconds ?? SESSION_TTL_SECONDS),
  };
  const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(options.secret), encoder.encode(payload));
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** Checks signature (constant time, via WebCrypto) and expiry, then returns the principal. */
export async function verifySession(
  value: string,
  options: { secret: string; now: Date },
): Promise<Result<Principal, SessionFailure>> {
  const [payload, signature, extra] = value.split(".");
  const sig = signature === undefined ? null : fromBase64Url(signature);
  if (!payload || !sig || extra !== undefined) return err({ code: "MALFORMED" });
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(options.secret),
    sig,
    encoder.encode(payload),
  );
  if (!valid) return err({ code: "BAD_SIGNATURE" });
  const bytes = fromBase64Url(payload);
  let json: unknown = null;
  try {
    json = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : null;
  } catch {
    return err({ code: "MALFORMED" });
  }
  const claims = SessionClaims.safeParse(json);
  if (!claims.success) return err({ code: "MALFORMED" });
  if (claims.data.exp * 1000 <= options.now.getTime()) return err({ code: "EXPIRED" });
  const { sub, tid, role, email, name } = claims.data;
  return ok({ userId: sub, tenantId: tid, role, email, name, via: "session" });
}
