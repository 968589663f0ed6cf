/**
 * The agent ↔ edge wire protocol version. Bump it when a frame variant is added or changed;
 * the hub accepts every version listed in SUPPORTED_PROTOCOL_VERSIONS so one rollout step
 * (old agents, new edge) keeps working.
 */
export const PROTOCOL_VERSION = 5;

/**
 * Versions the edge still speaks, newest first. Shared with the agent, which offers its own list in
 * `hello`. 2: the inventory travels as `inventory.part` frames; failure codes TIMED_OUT and
 * UNDELIVERABLE. An agent of version 1 keeps sending `inventory.report` and is served as before.
 * 3 adds the VM actions (job kinds `vm.*` named in `hello.jobs`, `step` progress, action outcomes) and
 * `vm.observed` (drift); an agent that negotiates less is never offered an action and sends no drift.
 * A version-3 agent sends its inventory in parts, as in 2.
 * 4 adds the reconciliation scan (the `vms.scan` call, answered after its `scan.part` frames); an agent
 * that negotiates less is never asked for one.
 * 5 grants directly: the hub sends `job.granted` (lease included) without an offer to an agent that
 * announced free capacity and renewed lately, saving the offer → accept round trip; the agent refuses
 * one it cannot run with `job.release` (reason "refused"). A quiet agent, or one that negotiates less,
 * is offered jobs as before.
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [5, 4, 3, 2, 1];

/** The first protocol version with VM actions and drift reports. */
export const VM_ACTIONS_PROTOCOL = 3;

/** The first protocol version with the reconciliation scan (`vms.scan`, `scan.part`). */
export const VM_SCAN_PROTOCOL = 4;

/** The first protocol version where the hub grants a job without offering it first. */
export const DIRECT_GRANT_PROTOCOL = 5;

/** Frames above this size close the socket with 1009 (well below the platform's 32 MiB). */
export const MAX_AGENT_FRAME_BYTES = 64 * 1024;

/** Picks the newest version both sides speak, or null when they share none. */
export function negotiateVersion(offered: readonly number[], supported = SUPPORTED_PROTOCOL_VERSIONS) {
  const common = supported.filter((v) => offered.includes(v));
  return common.length > 0 ? Math.max(...common) : null;
}
