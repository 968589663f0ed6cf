import { z } from "zod";

const MINUTE = 60_000;

/**
 * Lease timing and job deadlines of every AgentHub, per deployment (Worker vars). Lease defaults follow
 * GitHub/Temporal practice (renew at a third of the TTL); the short values the vars allow exist so the
 * process-level tests can run in seconds.
 */
const HubSettings = z.object({
  AGENT_LEASE_TTL_MS: z.coerce.number().int().min(1000).default(90_000),
  AGENT_RENEW_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  AGENT_OFFER_TIMEOUT_MS: z.coerce.number().int().min(200).default(10_000),
  /**
   * The longest a job may run, from its first grant: past it the job fails TIMED_OUT and its agent is
   * told to stop. Above the agent's own waits (clone 60 min, retries included) so a healthy slow clone
   * is never cut; it catches what no agent-side deadline does (an agent stuck while renewing).
   */
  AGENT_JOB_MAX_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(180 * MINUTE),
  /** How long a stopped job's agent has to tear down and report before the hub says the outcome itself. */
  AGENT_STOP_GRACE_MS: z.coerce
    .number()
    .int()
    .min(500)
    .default(10 * MINUTE),
  /** Reconnects closer together than this start no new reconciliation scan (a flapping agent must not loop). */
  RECONNECT_SCAN_SPACING_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * MINUTE),
});

export interface HubSettings {
  leaseTtlMs: number;
  renewIntervalMs: number;
  offerTimeoutMs: number;
  jobMaxDurationMs: number;
  stopGraceMs: number;
  reconnectScanSpacingMs: number;
}

export function readHubSettings(env: object): HubSettings {
  const parsed = HubSettings.safeParse(env);
  const s = parsed.success ? parsed.data : HubSettings.parse({});
  // a renew must always land well before expiry, whatever the vars say
  const renewIntervalMs = Math.min(s.AGENT_RENEW_INTERVAL_MS, Math.floor(s.AGENT_LEASE_TTL_MS / 3));
  return {
    leaseTtlMs: s.AGENT_LEASE_TTL_MS,
    renewIntervalMs,
    offerTimeoutMs: s.AGENT_OFFER_TIMEOUT_MS,
    jobMaxDurationMs: s.AGENT_JOB_MAX_DURATION_MS,
    stopGraceMs: s.AGENT_STOP_GRACE_MS,
    reconnectScanSpacingMs: s.RECONNECT_SCAN_SPACING_MS,
  };
}
