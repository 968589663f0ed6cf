/**
 * Agent credentials and enrollment tokens: `<prefix>_<id>_<secret>` where the id is a non-secret
 * lookup key and the secret is 256 random bits. Only SHA-256 of the secret is stored.
 */

export const AGENT_CREDENTIAL_PREFIX = "gac";
export const ENROLLMENT_TOKEN_PREFIX = "get";

const SHAPE = /^([a-z]{3})_([A-Za-z0-9-]{8,64})_([A-Za-z0-9_-]{43})$/;

export interface IssuedSecret {
  /** The whole value, shown once to its owner. */
  value: string;
  id: string;
  hash: string;
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A fresh 256-bit secret under `prefix`, with a fresh id (or the given one: a rotated credential). */
export async function issueSecret(prefix: string, id: string = crypto.randomUUID()): Promise<IssuedSecret> {
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { value: `${prefix}_${id}_${secret}`, id, hash: await sha256Hex(secret) };
}

/** Splits a presented value into its id and the hash of its secret; null when it is not of `prefix`. */
export async function readSecret(
  prefix: string,
  value: string,
): Promise<{ id: string; hash: string } | null> {
  const m = SHAPE.exec(value);
  if (!m || m[1] !== prefix || !m[2] || !m[3]) return null;
  return { id: m[2], hash: await sha256Hex(m[3]) };
}

/** Compares two hex digests without leaking where they differ. */
export function hashesEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
