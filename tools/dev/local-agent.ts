import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { createEnrollmentToken } from "./edge-admin.ts";
import { freePort } from "./free-port.ts";
import { type ManagedProcess, runToCompletion, spawnManaged } from "./processes.ts";
import { AGENT_CLI, REPO_ROOT } from "./repo-paths.ts";

export interface LocalAgentOptions {
  edgeUrl: string;
  vcsim: VcsimHandle;
  name: string;
  stateDir: string;
  /** The admin whose tenant's site the agent serves (the demo: acme). */
  adminEmail?: string;
  concurrency?: number;
  echo?: boolean;
}

export interface LocalAgent {
  readonly name: string;
  readonly stateDir: string;
  readonly healthUrl: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

// one node process with tsx as a loader: the tsx CLI relays signals to a child and SIGKILLs it when a
// SIGTERM is not confirmed within 30 ms, which turns a draining stop into a kill on a busy machine
const cliArgs = (args: readonly string[]) => ["--import", "tsx", AGENT_CLI, ...args];

/**
 * Does what an operator does: an admin creates an enrollment token, `gantry-agent enroll` redeems it
 * (once: a state dir that already holds a credential is reused), `gantry-agent run` connects to the
 * edge and to VCSIM. Resolves once the agent says it is connected.
 */
export async function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent> {
  const echo = options.echo ?? false;
  await mkdir(options.stateDir, { recursive: true });
  if (!existsSync(path.join(options.stateDir, "agent.json"))) {
    const token = await createEnrollmentToken(options.edgeUrl, options.adminEmail ?? "adam@acme.test");
    await runToCompletion({
      name: `${options.name} enroll`,
      command: process.execPath,
      args: cliArgs([
        "enroll",
        ...["--edge", options.edgeUrl, "--token", token, "--name", options.name],
        ...["--state-dir", options.stateDir],
      ]),
      cwd: REPO_ROOT,
      echo,
    });
  }

  const passwordFile = path.join(options.stateDir, "vcenter-password");
  await writeFile(passwordFile, options.vcsim.password, { mode: 0o600 });
  const healthPort = await freePort();
  const config = {
    // the edge URL changes with the stack's port; the state file keeps the one it enrolled with
    edgeUrl: options.edgeUrl,
    stateDir: options.stateDir,
    concurrency: options.concurrency ?? 4,
    gracePeriodMs: 10_000,
    health: { host: "127.0.0.1", port: healthPort },
    logLevel: "info",
    reconnect: { baseMs: 250, capMs: 5000, minUptimeMs: 10_000 },
    vcenter: {
      url: options.vcsim.url,
      username: options.vcsim.username,
      passwordFile,
      ...(options.vcsim.caFile ? { caFile: options.vcsim.caFile } : {}),
    },
  };
  const configFile = path.join(options.stateDir, "config.json");
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

  const proc = spawnManaged({
    name: options.name,
    command: process.execPath,
    args: cliArgs(["run", "--config", configFile]),
    cwd: REPO_ROOT,
    echo,
  });
  try {
    await proc.waitFor(/"msg":"connected to edge"/, 60_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return {
    name: options.name,
    stateDir: options.stateDir,
    healthUrl: `http://127.0.0.1:${healthPort}/healthz`,
    process: proc,
    // SIGTERM drains: the agent finishes or releases its jobs, then exits
    stop: () => proc.stop(15_000),
  };
}
