import { z } from "zod";

/**
 * Lease timing of every AgentHub. Production defaults follow GitHub/Temporal practice (renew at a third
 * of the TTL); the optional Worker vars exist so the process-level tests can run in seconds.
 */
const HubSettings = z.object({
  AGENT_LEASE_TTL_MS: z.coerce.number().int().min(1000).default(90_000),
  AGENT_RENEW_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  AGENT_OFFER_TIMEOUT_MS: z.coerce.number().int().min(200).default(10_000),
});

export interface HubSettings {
  leaseTtlMs: number;
  renewIntervalMs: number;
  offerTimeoutMs: number;
}

export function readHubSettings(env: object): HubSettings {
  const parsed = HubSettings.safeParse(env);
  const s = parsed.success ? parsed.data : HubSettings.parse({});
  // a renew must always land well before expiry, whatever the vars say
  const renewIntervalMs = Math.min(s.AGENT_RENEW_INTERVAL_MS, Math.floor(s.AGENT_LEASE_TTL_MS / 3));
  return { leaseTtlMs: s.AGENT_LEASE_TTL_MS, renewIntervalMs, offerTimeoutMs: s.AGENT_OFFER_TIMEOUT_MS };
}
