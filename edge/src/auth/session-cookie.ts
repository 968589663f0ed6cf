import { sha256Hex } from "../tenancy/credentials.ts";

/**
 * The browser session cookie: an opaque random value (256 bits) that names a server-side session
 * (sessions.ts); it carries no claims, so nothing in it can be edited and logout or an admin really ends
 * it. Over HTTPS it is `__Host-gantry_session` (Secure, host-only, Path=/); browsers drop Secure cookies
 * set over plain http, so on http://127.0.0.1 the local stack uses `gantry_session` instead. Only the
 * name matching the request's scheme is ever read.
 */
export const SECURE_COOKIE = "__Host-gantry_session";
export const LOCAL_COOKIE = "gantry_session";

export const sessionCookieName = (secure: boolean): string => (secure ? SECURE_COOKIE : LOCAL_COOKIE);

const PREFIX = "gs1.";
const SHAPE = /^gs1\.[A-Za-z0-9_-]{43}$/;

const toBase64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** A fresh cookie value; shown to the browser once, stored only as {@link sessionIdHash}. */
export const newSessionToken = (): string =>
  `${PREFIX}${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;

/** Whether a presented value could be one of ours (anything else is refused without a D1 read). */
export const isSessionToken = (value: string): boolean => SHAPE.test(value);

/** What the sessions table stores for a cookie value: its SHA-256, hex. */
export const sessionIdHash = (token: string): Promise<string> => sha256Hex(token);
