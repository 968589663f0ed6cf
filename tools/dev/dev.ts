import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { watchAncestry } from "./ancestry-watch.ts";
import { STOP_MESSAGE } from "./owner-channel.ts";
import { REPO_ROOT } from "./repo-paths.ts";
import type { StackSettings } from "./stack-settings.ts";

// `npm run dev`: the whole product locally. This process only relays: the stack is owned by a child in a
// session of its own (stack-owner.ts), which a terminal's Ctrl-C — sent to every process of the foreground
// group, workerd and the agents included if they were in it — cannot reach. Every way this process is
// told to stop (Ctrl-C, SIGTERM, SIGHUP, the process that started it dying) becomes one stop request to
// the owner, which stops the agents first, then the edge, then VCSIM; each further request hurries the
// agents. If this process dies anyway, the owner sees their channel close and stops the same way.
// package.json runs this with `node --import tsx`, not the tsx CLI, which SIGKILLs a child that does not
// confirm a signal within 30 ms. It imports little, so that it listens for Ctrl-C as early as it can.

let owner: ReturnType<typeof spawn> | null = null;
let requests = 0;
const requestStop = (why: string) => {
  requests += 1;
  // nothing started yet
  if (!owner) process.exit(0);
  if (requests === 1) console.log(`\nStopping the local stack (${why}); Ctrl-C again hurries the agents.`);
  if (owner.connected) owner.send(STOP_MESSAGE, () => undefined);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => requestStop(signal));
// a closed terminal or a dead reader must not turn a stop into a crash
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        "edge-port": { type: "string", default: process.env.GANTRY_EDGE_PORT ?? "8787" },
        "vcsim-port": { type: "string", default: process.env.GANTRY_VCSIM_PORT ?? "8989" },
        "state-dir": { type: "string", default: path.join(REPO_ROOT, ".gantry") },
        agents: { type: "string", default: "1" },
        "build-web": { type: "boolean", default: true },
        // a release this checkout built is published into the local edge, for the Agents page's install
        // command and upgrades; --no-publish-release keeps the edge free of that upload (tests)
        "publish-release": { type: "boolean", default: true },
        quiet: { type: "boolean", default: false },
      },
      allowNegative: true,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
})();

const integer = (name: string, raw: string, min: number, max: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
};

const settings: StackSettings = {
  // npm runs workspace scripts in tools/dev; a relative --state-dir means the directory it was typed in
  stateDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), values["state-dir"]),
  edgePort: integer("edge-port", values["edge-port"], 1, 65_535),
  vcsimPort: integer("vcsim-port", values["vcsim-port"], 1, 65_535),
  agents: integer("agents", values.agents, 0, 8),
  buildWeb: values["build-web"],
  publishRelease: values["publish-release"],
  echo: !values.quiet,
};

const child = spawn(
  process.execPath,
  ["--import", "tsx", path.join(import.meta.dirname, "stack-owner.ts"), JSON.stringify(settings)],
  { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"], detached: true },
);
owner = child;
const stopWatching = watchAncestry(() => requestStop("the process that started it is gone"));

child.on("exit", (code, signal) => {
  stopWatching();
  if ((signal !== null || code !== 0) && child.pid !== undefined) {
    // the owner failed or was killed, and may have left children: end its group (workerd, agents)
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // nothing left
    }
  }
  process.exit(code ?? 1);
});
