import type { FatalReason } from "../edge/edge-connection.ts";

/**
 * Exit codes of `run`; the unit (cli/systemd-unit.ts) forces a restart on `restart` and prevents one on
 * the unrecoverable ones.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  credentialRejected: 3,
  protocolRefused: 4,
  /** drained for an upgrade (or its rollback): systemd restarts the service (RestartForceExitStatus=) */
  restart: 75,
} as const;

/** The exit code for a reason the edge gave to stop for good; restarting would be refused again. */
export function exitCodeFor(reason: FatalReason): number {
  switch (reason.code) {
    case "CREDENTIAL_REJECTED":
      return EXIT.credentialRejected;
    case "PROTOCOL_REFUSED":
      return EXIT.protocolRefused;
  }
}
