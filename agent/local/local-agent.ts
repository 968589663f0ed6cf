import type { VcsimHandle } from "../vcsim/vcsim.ts";
import type { ManagedProcess } from "./processes.ts";

export interface LocalAgentOptions {
  edgeUrl: string;
  vcsim: VcsimHandle;
  name: string;
  stateDir: string;
  echo?: boolean;
}

export interface LocalAgent {
  readonly name: string;
  readonly stateDir: string;
  readonly healthUrl: string | null;
  readonly process: ManagedProcess | null;
  stop(): Promise<void>;
}

/**
 * Enrolls an agent for the demo site through the admin API and starts it.
 * Until the agent link lands this starts nothing (the stack still runs edge + VCSIM + web).
 */
export async function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent> {
  return { name: options.name, stateDir: options.stateDir, healthUrl: null, process: null, stop: async () => {} };
}
