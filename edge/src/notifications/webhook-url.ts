import { err, ok, type Result } from "@gantry/shared/result";

// Which webhook targets the edge posts to. Hosted: https only, never to loopback, private, link-local,
// CGNAT or unspecified addresses, whether written as an IP or a name resolving to one. The local stack
// (WEBHOOK_LOOPBACK on) also takes http to a loopback host, for a receiver on the same machine.
//
// DNS rebinding: a Worker cannot pin the address it checked — `fetch` resolves the name again, so a name
// may answer a public address to our check and a private one to the fetch. We check at creation and
// before every send, which narrows the window to one TTL; the remaining exposure is small because a
// Worker's fetch leaves from Cloudflare's network, where the tenant's private ranges are not routed.

export type WebhookUrlProblem = { code: "INVALID_WEBHOOK_URL"; message: string };

/** Answers the A and AAAA addresses of a name; the hosted edge uses DNS over HTTPS. */
export type ResolveHost = (host: string) => Promise<string[]>;

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

function ipv4Parts(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved addresses. */
export function isNonPublicAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v4 = ipv4Parts(host.startsWith("::ffff:") ? host.slice(7) : host);
  if (v4) {
    const [a = 0, b = 0] = v4;
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (!host.includes(":")) return false;
  return (
    host === "::" ||
    host === "::1" ||
    /^f[cd]/.test(host) ||
    /^fe[89ab]/.test(host) ||
    host.startsWith("ff") ||
    host.startsWith("::ffff:")
  );
}

const problem = (message: string): Result<URL, WebhookUrlProblem> =>
  err({ code: "INVALID_WEBHOOK_URL", message });

/** A webhook URL the edge may post to, or why not. */
export async function checkWebhookUrl(
  raw: string,
  options: { allowLoopback: boolean; resolve: ResolveHost },
): Promise<Result<URL, WebhookUrlProblem>> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem("not a URL");
  }
  if (url.username || url.password) return problem("a webhook URL carries no user or password");
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_NAMES.has(host) || host.endsWith(".localhost");
  if (loopback) {
    if (!options.allowLoopback) return problem("loopback addresses are not allowed");
    if (url.protocol !== "http:" && url.protocol !== "https:") return problem("use http or https");
    return ok(url);
  }
  if (url.protocol !== "https:") return problem("use https");
  if (ipv4Parts(host) || host.startsWith("[")) {
    return isNonPublicAddress(host)
      ? problem("private, loopback and link-local addresses are not allowed")
      : ok(url);
  }
  let addresses: string[];
  try {
    addresses = await options.resolve(host);
  } catch {
    return problem(`${host} could not be resolved`);
  }
  if (addresses.length === 0) return problem(`${host} has no address`);
  if (addresses.some(isNonPublicAddress)) return problem(`${host} resolves to a private or loopback address`);
  return ok(url);
}

/** DNS over HTTPS (Cloudflare's resolver, JSON API): A and AAAA answers of a name. */
export const resolveOverHttps: ResolveHost = async (host) => {
  const answers = await Promise.all(
    ["A", "AAAA"].map(async (type) => {
      const response = await fetch(
        `https://cloudflare-dns.com/dns-query?name=${encodeURIComponent(host)}&type=${type}`,
        { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(3000) },
      );
      if (!response.ok) throw new Error(`resolver answered ${response.status}`);
      const json = (await response.json()) as { Answer?: { type: number; data: string }[] };
      return (json.Answer ?? []).filter((a) => a.type === 1 || a.type === 28).map((a) => a.data);
    }),
  );
  return answers.flat();
};
