import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ManagedProcess, spawnManaged } from "@gantry/dev/processes";
import { AGENT_CLI, REPO_ROOT } from "@gantry/dev/repo-paths";
import { expect } from "vitest";

// one process with tsx as its loader, not the tsx CLI: that one runs the agent as its child and, when
// the child does not confirm a relayed signal within 30 ms (a busy machine), SIGKILLs it
const agentArgs = (args: readonly string[]) => ["--import", "tsx", AGENT_CLI, ...args];

/** Runs one CLI command to its end and returns exit code and output. */
export async function runAgentCli(args: readonly string[]) {
  const proc = spawnManaged({
    name: `agent ${args[0] ?? ""}`,
    command: process.execPath,
    args: agentArgs(args),
    cwd: REPO_ROOT,
  });
  const code = await proc.exited;
  return { code, output: proc.tail() };
}

/**
 * A fresh state directory with an agent enrolled in it through `gantry-agent enroll`, as an operator does
 * it; the enrolment must succeed.
 */
export async function enrollNewAgent(label: string, edgeUrl: string, token: string): Promise<string> {
  const stateDir = newStateDir(label);
  const enrolled = await runAgentCli([
    "enroll",
    "--edge",
    edgeUrl,
    "--token",
    token,
    "--state-dir",
    stateDir,
  ]);
  expect(enrolled.code, enrolled.output).toBe(0);
  return stateDir;
}

export interface AgentOptions {
  name: string;
  stateDir: string;
  /** Overrides the edge URL from the state file (e.g. to go through a TCP proxy). */
  edgeUrl?: string;
  concurrency?: number;
  gracePeriodMs?: number;
  /** A built executable to run instead of the TypeScript sources (the release tests). */
  executable?: string;
  /** How long a new version has to connect after an upgrade before it is rolled back. */
  connectDeadlineMs?: number;
  /** Omitted: the agent has no vCenter and declines provisioning jobs. */
  vcenter?: { url: string; username: string; passwordFile: string; insecure?: boolean; caFile?: string };
}

/** A real `gantry-agent run` process with a config file of its own and fast reconnects. */
export interface AgentProcess {
  readonly proc: ManagedProcess;
  /** Resolves with the first JSON log record whose `msg` matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export const newStateDir = (label: string) => mkdtempSync(path.join(tmpdir(), `gantry-agent-${label}-`));

export function startAgent(options: AgentOptions): AgentProcess {
  mkdirSync(options.stateDir, { recursive: true });
  const config = {
    stateDir: options.stateDir,
    concurrency: options.concurrency ?? 1,
    gracePeriodMs: options.gracePeriodMs ?? 30_000,
    health: { port: 0 },
    logLevel: "debug",
    reconnect: { baseMs: 100, capMs: 500, minUptimeMs: 2000 },
    ...(options.edgeUrl ? { edgeUrl: options.edgeUrl } : {}),
    ...(options.connectDeadlineMs ? { upgrade: { connectDeadlineMs: options.connectDeadlineMs } } : {}),
    ...(options.vcenter ? { vcenter: options.vcenter } : {}),
  };
  const configFile = path.join(options.stateDir, "config.json");
  writeFileSync(configFile, JSON.stringify(config));
  const proc = spawnManaged({
    name: options.name,
    command: options.executable ?? process.execPath,
    args: options.executable ? ["run", "--config", configFile] : agentArgs(["run", "--config", configFile]),
    cwd: REPO_ROOT,
    echo: process.env.GANTRY_TEST_ECHO === "1",
  });
  const waitForLog = async (msg: string | RegExp, timeoutMs = 20_000) => {
    const needle =
      typeof msg === "string" ? new RegExp(`"msg":"${msg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`) : msg;
    const match = await proc.waitFor(needle, timeoutMs);
    return JSON.parse(match.input ?? "{}") as Record<string, unknown>;
  };
  return {
    proc,
    waitForLog,
    signal: (signal) => {
      const pid = proc.child.pid;
      if (pid !== undefined) process.kill(pid, signal);
    },
    stop: () => proc.stop(10_000),
  };
}
