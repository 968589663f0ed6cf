import { lchownSync, lstatSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { LoadedConfig } from "../config.ts";
import type { HealthSnapshot } from "../health.ts";
import type { AgentState } from "../state-file.ts";
import type { UpgradeAnswer } from "../upgrade/agent-upgrader.ts";
import { readControl } from "../upgrade/control-token.ts";
import { prepareUpgrade } from "../upgrade/prepare-upgrade.ts";
import { ReleaseStore } from "../upgrade/release-store.ts";
import { AGENT_VERSION, RELEASE_PUBLIC_KEY } from "../version.ts";

type Print = (line: string) => void;

/**
 * `gantry-agent upgrade`: asks the running agent (through its local endpoint) to upgrade and follows
 * it until the new version is connected or rolled back; with no agent running, installs the release
 * for the next start.
 */
export async function upgradeCommand(input: {
  loaded: LoadedConfig;
  state: AgentState;
  timeoutMs?: number;
  print: Print;
  fail: Print;
}): Promise<number> {
  const { config } = input.loaded;
  const control = readControl(config.stateDir);
  const answer = control ? await askRunningAgent(control.url, control.token) : null;
  if (answer === null) return installForNextStart(input);
  if (answer === "unauthorized") {
    input.fail("the running agent refused the control token; run this as root or as the service user");
    return 1;
  }
  switch (answer.status) {
    case "refused":
      if (answer.code === "UP_TO_DATE") {
        input.print(answer.message);
        return 0;
      }
      input.fail(`not upgrading: ${answer.message}`);
      return 1;
    case "busy":
      input.fail(`an upgrade is already ${answer.phase}${answer.target ? ` (to ${answer.target})` : ""}`);
      return 1;
    case "started": {
      input.print(
        `upgrading ${answer.from} → ${answer.to}: release verified; the agent drains (running jobs finish), then restarts`,
      );
      const timeoutMs = input.timeoutMs ?? config.gracePeriodMs + config.upgrade.connectDeadlineMs + 60_000;
      return followUpgrade(config.stateDir, answer, timeoutMs, input);
    }
  }
}

async function askRunningAgent(url: string, token: string): Promise<UpgradeAnswer | "unauthorized" | null> {
  try {
    const res = await fetch(`${url}/upgrade`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15 * 60_000),
    });
    if (res.status === 401) return "unauthorized";
    return (await res.json()) as UpgradeAnswer;
  } catch {
    // nothing listens there: the agent is not running
    return null;
  }
}

/** Polls the health endpoint (through the restart) until the new version is connected, or the old one is back. */
async function followUpgrade(
  stateDir: string,
  answer: Extract<UpgradeAnswer, { status: "started" }>,
  timeoutMs: number,
  out: { print: Print; fail: Print },
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const firstUrl = readControl(stateDir)?.url;
  let sawRestart = false;
  while (Date.now() < deadline) {
    // the restarted agent writes its endpoint anew (a port of 0 in the config picks another one)
    const url = readControl(stateDir)?.url;
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.json() as Promise<HealthSnapshot>)
      .catch(() => null);
    // a restart shows as no answer, another endpoint, or the new version answering — a quick restart
    // can fall between two polls, and then only the last two tell a rollback from an upgrade not begun
    if (health === null || url !== firstUrl || health.version === answer.to) sawRestart = true;
    if (health?.version === answer.to && health.connected) {
      out.print(`upgraded to ${answer.to}; connected to the edge`);
      return 0;
    } else if (health?.version === answer.from && sawRestart && health.connected) {
      out.fail(`the upgrade to ${answer.to} was rolled back; ${answer.from} is connected again`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  out.fail(`the agent did not report ${answer.to} connected within ${Math.round(timeoutMs / 1000)} s`);
  return 1;
}

async function installForNextStart(input: {
  loaded: LoadedConfig;
  state: AgentState;
  print: Print;
  fail: Print;
}): Promise<number> {
  const { config } = input.loaded;
  const store = new ReleaseStore(config.stateDir);
  const prepared = await prepareUpgrade({
    edgeUrl: config.edgeUrl ?? input.state.edgeUrl,
    store,
    ownVersion: store.current()?.version ?? AGENT_VERSION,
    arch: process.arch,
    publicKey: RELEASE_PUBLIC_KEY,
  });
  if (!prepared.ok) {
    if (prepared.error.code === "UP_TO_DATE") {
      input.print(prepared.error.message);
      return 0;
    }
    input.fail(`not upgrading: ${prepared.error.message}`);
    return 1;
  }
  store.switchTo(prepared.value.version, {
    previousExec: process.execPath,
    deadline: Date.now() + config.upgrade.connectDeadlineMs + 10 * 60_000,
  });
  giveToStateDirOwner(config.stateDir, store.dir);
  input.print(
    `no agent is running: ${prepared.value.version} is verified and installed for the next start (systemctl start gantry-agent)`,
  );
  return 0;
}

/** Run as root, what we wrote must belong to the service user that owns the state directory. */
function giveToStateDirOwner(stateDir: string, dir: string): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(stateDir);
  const walk = (p: string) => {
    lchownSync(p, uid, gid);
    if (lstatSync(p).isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
}
