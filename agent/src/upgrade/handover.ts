import { isNewerVersion } from "@gantry/shared/releases/version-order";
import type { Logger } from "../log.ts";
import { verifyExecutable } from "./prepare-upgrade.ts";
import type { ReleaseStore } from "./release-store.ts";

/** Set on the process a handover or an upgrade starts, so it does not count its own start again. */
export const HANDED_OVER_ENV = "GANTRY_AGENT_HANDED_OVER";
/** A new version that crashes this often before it connects is rolled back at once. */
export const MAX_TRIAL_STARTS = 3;

/**
 * What `run` starts as, before anything else: the installed executable (the package's, root-owned)
 * hands over to a newer release the agent downloaded, once its signature verifies. Here an upgrade
 * under trial is also rolled back when it crashed too often or missed its deadline to connect.
 * Returns the executable to run instead of this one, or null to carry on.
 */
export async function planHandover(input: {
  store: ReleaseStore;
  ownVersion: string;
  ownExec: string;
  publicKey: string | null;
  env: NodeJS.ProcessEnv;
  now: number;
  log: Logger;
}): Promise<string | null> {
  const { store, log } = input;
  if (input.env[HANDED_OVER_ENV] === undefined) {
    const trial = store.current()?.version === store.trial()?.version ? store.countStart() : null;
    if (trial && (trial.starts > MAX_TRIAL_STARTS || input.now > trial.deadline)) {
      store.rollback();
      log.warn("rolled back an upgrade that never connected", {
        version: trial.version,
        starts: trial.starts - 1,
        restoring: trial.previous ?? "the installed executable",
      });
    }
  }
  const current = store.current();
  if (!current || current.executable === input.ownExec) return null;
  if (!isNewerVersion(current.version, input.ownVersion)) return null;
  if (!input.publicKey) return null;
  const verified = await verifyExecutable(current.executable, input.publicKey);
  if (!verified.ok) {
    log.error("not running the downloaded release", { version: current.version, problem: verified.error });
    return null;
  }
  return current.executable;
}

/**
 * Replaces this process with `executable`, same arguments and environment (plus the handover mark):
 * same PID, so a supervisor other than systemd (or a test) keeps following it.
 */
export function execInto(executable: string, env: NodeJS.ProcessEnv): never {
  const args = process.argv.slice(2);
  process.execve?.(executable, [executable, ...args], { ...env, [HANDED_OVER_ENV]: "1" });
  throw new Error("process.execve is not available in this Node");
}

/** systemd sets INVOCATION_ID for every service it starts. */
export const underSystemd = (env: NodeJS.ProcessEnv) => env.INVOCATION_ID !== undefined;
