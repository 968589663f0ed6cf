import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { AGENT_EXEC_ARGV } from "@gantry/agent/runtime/exec-argv";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { createEnrollmentToken } from "./edge-admin.ts";
import { freePort } from "./free-port.ts";
import {
  describeExit,
  type ManagedProcess,
  type ProcessExit,
  runToCompletion,
  spawnManaged,
} from "./processes.ts";
import { AGENT_BIN, AGENT_BUILD, AGENT_CLI, REPO_ROOT } from "./repo-paths.ts";

export interface LocalAgentOptions {
  edgeUrl: string;
  vcsim: VcsimHandle;
  name: string;
  stateDir: string;
  /** The admin whose tenant's site the agent serves (the demo: acme). */
  adminEmail?: string;
  concurrency?: number;
  echo?: boolean;
  /**
   * Start the agent again whenever it exits on its own (drained, killed, crashed), except after a refusal
   * for good — what systemd does for an installed agent, so a developer can stop, kill and restart the
   * local one without taking the stack down. Off for tests and the bench, which stop agents on purpose.
   */
  restart?: boolean;
  /** Where the restart notes go (default: stdout when echoing). */
  note?: (line: string) => void;
  /** Stops enrolling or starting when aborted: a start-up that is called off. */
  signal?: AbortSignal;
  /**
   * What the process runs. `sources` (default): the TypeScript sources through tsx, so a restart picks up
   * an edit. `bundle`: the built agent (`agent/bin/gantry-agent.mjs` → `agent/dist`) with the Node options
   * of the single executable, as an operator runs it, built once per process from the sources of that
   * moment — what the bench measures: the tsx loader and its esbuild service add ~15 MiB of resident
   * memory (measured: 108.6 vs 93.3 MiB idle, same options) that no installed agent has.
   */
  runs?: "sources" | "bundle";
}

export interface LocalAgent {
  readonly name: string;
  readonly stateDir: string;
  readonly healthUrl: string;
  /** The agent's process now; a restart replaces it. */
  readonly process: ManagedProcess;
  /** SIGTERM: the agent drains (finishes or hands back its jobs) and exits; it is not restarted. */
  stop(): Promise<void>;
  /** While stopping: one more SIGTERM, which the agent takes as "hand the jobs back now", then "exit now". */
  hurry(): void;
}

// one node process with tsx as a loader: the tsx CLI relays signals to a child and SIGKILLs it when a
// SIGTERM is not confirmed within 30 ms, which turns a draining stop into a kill on a busy machine
const cliArgs = (args: readonly string[]) => ["--import", "tsx", AGENT_CLI, ...args];
// with the Node options the single executable has built in
const bundleArgs = (args: readonly string[]) => [...AGENT_EXEC_ARGV, AGENT_BIN, ...args];

let bundleBuilt: Promise<unknown> | undefined;
/** Builds agent/dist once per process (a failed build is tried again by the next start). */
function buildAgentBundle(signal: AbortSignal | undefined): Promise<unknown> {
  bundleBuilt ??= runToCompletion({
    name: "agent build",
    command: process.execPath,
    args: ["--import", "tsx", AGENT_BUILD],
    cwd: REPO_ROOT,
    echo: false,
    ...(signal === undefined ? {} : { signal }),
  }).catch((error: unknown) => {
    bundleBuilt = undefined;
    throw error;
  });
  return bundleBuilt;
}

// gantry-agent's exits for good (credential refused, protocol refused): restarting cannot help, as the
// systemd unit's RestartPreventExitStatus says
const REFUSED_FOR_GOOD = new Set([3, 4]);
const RESTART_DELAY_MS = 1000;
const RESTART_DELAY_CAP_MS = 30_000;
// a run shorter than this counts as a crash loop and doubles the next delay
const STEADY_RUN_MS = 10_000;
// SIGTERM drains: the agent's grace period (10 s below) and its outbox flush (5 s), then SIGKILL
const STOP_GRACE_MS = 17_000;

/**
 * Does what an operator does: an admin creates an enrollment token, `gantry-agent enroll` redeems it
 * (once: a state dir that already holds a credential is reused), `gantry-agent run` connects to the
 * edge and to VCSIM. Resolves once the agent says it is connected.
 */
export async function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent> {
  const echo = options.echo ?? false;
  const signal = options.signal;
  const argsFor = options.runs === "bundle" ? bundleArgs : cliArgs;
  if (options.runs === "bundle") await buildAgentBundle(signal);
  await mkdir(options.stateDir, { recursive: true });
  if (!existsSync(path.join(options.stateDir, "agent.json"))) {
    const token = await createEnrollmentToken(options.edgeUrl, options.adminEmail ?? "adam@acme.test");
    await runToCompletion({
      name: `${options.name} enroll`,
      command: process.execPath,
      args: argsFor([
        "enroll",
        ...["--edge", options.edgeUrl, "--token", token, "--name", options.name],
        ...["--state-dir", options.stateDir],
      ]),
      cwd: REPO_ROOT,
      echo,
      ...(signal === undefined ? {} : { signal }),
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

  const run = () =>
    spawnManaged({
      name: options.name,
      command: process.execPath,
      args: argsFor(["run", "--config", configFile]),
      cwd: REPO_ROOT,
      echo,
    });
  const agent = new SupervisedAgent(run, {
    name: options.name,
    note: options.note ?? ((line) => echo && process.stdout.write(`${line}\n`)),
  });
  const stopOnAbort = () => void agent.stop();
  signal?.addEventListener("abort", stopOnAbort, { once: true });
  try {
    signal?.throwIfAborted();
    await agent.process.waitFor(/"msg":"connected to edge"/, 60_000);
  } catch (error) {
    await agent.stop();
    throw error;
  } finally {
    signal?.removeEventListener("abort", stopOnAbort);
  }
  // from its first connection on: an agent that never connected is a failed start, not a crash to retry
  agent.restart = options.restart ?? false;
  return {
    name: options.name,
    stateDir: options.stateDir,
    healthUrl: `http://127.0.0.1:${healthPort}/healthz`,
    get process() {
      return agent.process;
    },
    stop: () => agent.stop(),
    hurry: () => agent.process.signal("SIGTERM"),
  };
}

/** One agent process at a time, started again after it exits unless it was stopped or refused for good. */
class SupervisedAgent {
  process: ManagedProcess;
  /** whether an exit on its own starts it again */
  restart = false;
  private stopping = false;
  private startedAt = Date.now();
  /** the last restart's delay, 0 before the first */
  private delayMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly spawn: () => ManagedProcess,
    private readonly options: { name: string; note: (line: string) => void },
  ) {
    this.process = this.launch();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.process.stop(STOP_GRACE_MS);
  }

  private launch(): ManagedProcess {
    const proc = this.spawn();
    this.startedAt = Date.now();
    void proc.ended.then((exit) => this.exited(exit));
    return proc;
  }

  private exited(exit: ProcessExit): void {
    const { name, note } = this.options;
    if (this.stopping || !this.restart) return;
    if (exit.code !== null && REFUSED_FOR_GOOD.has(exit.code)) {
      note(`[${name}] ${describeExit(exit)}: the edge refused it for good, so it is not restarted`);
      return;
    }
    const crashLoop = this.delayMs > 0 && Date.now() - this.startedAt < STEADY_RUN_MS;
    const delay = crashLoop ? Math.min(this.delayMs * 2, RESTART_DELAY_CAP_MS) : RESTART_DELAY_MS;
    this.delayMs = delay;
    note(`[${name}] ${describeExit(exit)}; starting it again in ${delay / 1000} s`);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopping) this.process = this.launch();
    }, delay);
  }
}
