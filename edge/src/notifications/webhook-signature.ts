// The generic webhook's signature (documented in README "Webhooks", with a receiver's check):
//   X-Gantry-Timestamp: <unix seconds>
//   X-Gantry-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// A receiver recomputes it over the raw body and refuses timestamps older than the replay window.

export const SIGNATURE_HEADER = "X-Gantry-Signature";
export const TIMESTAMP_HEADER = "X-Gantry-Timestamp";
/** How old a signed timestamp a receiver should accept (and how far in the future). */
export const REPLAY_WINDOW_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The two headers of a signed post. */
export async function signWebhook(input: {
  secret: string;
  body: string;
  timestamp: number;
}): Promise<Record<string, string>> {
  const mac = await hmacHex(input.secret, `${input.timestamp}.${input.body}`);
  return { [TIMESTAMP_HEADER]: String(input.timestamp), [SIGNATURE_HEADER]: `v1=${mac}` };
}
