import { z } from "zod";

/** How the agent reaches one vCenter. Secrets stay on the agent host (reliability §4.7). */
export const VsphereConfig = z
  .object({
    /** `https://vcenter.example.com` or the full SDK endpoint `https://vcenter.example.com/sdk`. */
    url: z.url({ protocol: /^https?$/ }),
    username: z.string().min(1),
    password: z.string().min(1),
    /** PEM file with the CA (or the self-signed certificate) that signs vCenter's certificate. */
    caFile: z.string().min(1).optional(),
    /** Pin vCenter's leaf certificate by its SHA-256 fingerprint (hex, colons optional). */
    thumbprintSha256: z
      .string()
      .regex(/^([0-9a-fA-F]{2}[:\s]?){31}[0-9a-fA-F]{2}$/, "must be 32 hex bytes")
      .optional(),
    /** Skip certificate verification. Only when explicitly configured; logged loudly. */
    insecure: z.boolean().optional(),
    /** Sent as `SOAPAction: "urn:vim25/<apiVersion>"`; vCenter picks the API version by it. */
    apiVersion: z
      .string()
      .regex(/^\d+\.\d+(\.\d+)*$/)
      .default("6.5"),
  })
  .refine((c) => c.url.startsWith("https:") || c.insecure === true, {
    message: "plain http is only allowed with insecure: true",
    path: ["url"],
  });
export type VsphereConfig = z.input<typeof VsphereConfig>;

/** The SOAP endpoint: a bare host URL gets `/sdk` appended. */
export function sdkUrl(url: string): URL {
  const u = new URL(url);
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/sdk";
  return u;
}

/** Tuning knobs of a client; defaults suit a real vCenter. */
export interface VsphereClientOptions {
  /** Per-call timeout for ordinary calls. Default 60 s. */
  callTimeoutMs?: number;
  /** Send `CurrentTime` when the session has been idle this long. Default 10 min (vCenter idles out at 30). */
  keepAliveIdleMs?: number;
  /** `maxWaitSeconds` of each `WaitForUpdatesEx` long poll. Default 30. */
  waitMaxSeconds?: number;
  /** A watch silent this long reads its objects once more (see `WaiterOptions.quietMs`). Default 60 s. */
  quietMs?: number;
  /** Sockets kept open to vCenter. Default 8. */
  maxSockets?: number;
  /** How long resolved placement morefs stay cached. Default 10 min. */
  placementCacheMs?: number;
}
