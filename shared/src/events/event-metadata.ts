import { z } from "zod";

/**
 * Who caused an event: a signed-in person, a person's API token (the actor id is still the person's, the
 * token's id is `tokenId`), an on-prem agent, the edge itself (sagas, sweepers), or an approval policy (the
 * actor id names the rule that decided: `policy:<ruleId>`).
 */
export const ActorKind = z.enum(["user", "token", "agent", "system", "policy"]);
export type ActorKind = z.infer<typeof ActorKind>;

/** Stored beside every event; the audit view and timeline read actors from here. */
export const EventMetadata = z.object({
  tenantId: z.string().min(1),
  actorId: z.string().min(1),
  actorKind: ActorKind,
  /** a display name captured at the time, so history survives renames and unknown OIDC users */
  actorName: z.string().max(200).optional(),
  /** set when actorKind is "token": which of the person's API tokens was used */
  tokenId: z.string().min(1).max(80).optional(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  /** set on events reported by an agent: the lease epoch the hub fenced the frame with */
  leaseEpoch: z.number().int().nonnegative().optional(),
  /**
   * set on events reported by an agent: when the agent says it happened, by its own clock. Kept for
   * operators only; `occurred_at` is the edge's time of receipt, which orders and times everything.
   */
  agentAt: z.string().datetime().optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** A person acted: signed in, or through one of their API tokens. */
export const isPersonActor = (kind: ActorKind): boolean => kind === "user" || kind === "token";
