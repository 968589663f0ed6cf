/**
 * The IdP's refresh token at rest: AES-256-GCM under a key derived (HKDF-SHA-256) from SESSION_SECRET, a
 * fresh 96-bit IV per seal, the session's id hash as associated data so a sealed token copied onto
 * another session row does not open. Stored as `v1.<iv>.<ciphertext>` in base64url.
 */

const encoder = new TextEncoder();
const INFO = encoder.encode("gantry session refresh token v1");

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

const fromB64url = (text: string): Uint8Array =>
  Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

async function keyFor(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function sealRefreshToken(token: string, input: { secret: string; sessionId: string }) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(input.sessionId) },
    await keyFor(input.secret),
    encoder.encode(token),
  );
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

/** The token, or null when the value was not sealed by this secret for this session (or is malformed). */
export async function openRefreshToken(
  sealed: string,
  input: { secret: string; sessionId: string },
): Promise<string | null> {
  const [version, iv, data, extra] = sealed.split(".");
  if (version !== "v1" || !iv || !data || extra !== undefined) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64url(iv), additionalData: encoder.encode(input.sessionId) },
      await keyFor(input.secret),
      fromB64url(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
