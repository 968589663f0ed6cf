import { err, ok, type Result } from "@gantry/shared/result";

/**
 * Whether the agent may talk to an edge at this URL. The enrollment token and the agent's credential
 * travel in every request, so the edge must be https — except on this machine (loopback: the local stack
 * and tests), or when the operator passed the explicit flag, which the agent then logs loudly at every
 * start (`insecure` in the answer says so).
 */
export function checkEdgeUrl(
  raw: string,
  options: { allowInsecure: boolean },
): Result<{ url: URL; insecure: boolean }, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(`${raw} is not a URL`);
  }
  if (url.protocol === "https:") return ok({ url, insecure: false });
  if (url.protocol !== "http:") return err(`${raw}: the edge URL must be https://`);
  if (isLoopback(url.hostname)) return ok({ url, insecure: false });
  if (options.allowInsecure) return ok({ url, insecure: true });
  return err(
    `${raw}: refusing plain http to an edge that is not on this machine (the credential would travel in clear text); use https://, or --allow-insecure-edge if you really must`,
  );
}

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the host. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The line an agent allowed onto plain http logs at every start, so nobody forgets it is on. */
export const INSECURE_EDGE_WARNING =
  "INSECURE: talking to the edge over plain http (allowInsecureEdge); the agent credential travels in clear text";
