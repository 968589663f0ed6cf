import path from "node:path";
import { parseArgs } from "node:util";
import { DEMO_USERS, startLocalStack } from "./local-stack.ts";
import { REPO_ROOT } from "./repo-paths.ts";

// `npm run dev`: the whole product locally; Ctrl-C stops every child we started. package.json runs this
// with `node --import tsx`, not the tsx CLI: the CLI SIGKILLs a child that does not confirm a signal
// within 30 ms, which on a busy machine ends this process mid-shutdown and leaves wrangler running
const { values } = parseArgs({
  options: {
    "edge-port": { type: "string", default: process.env.GANTRY_EDGE_PORT ?? "8787" },
    "vcsim-port": { type: "string", default: process.env.GANTRY_VCSIM_PORT ?? "8989" },
    quiet: { type: "boolean", default: false },
  },
});

const port = (name: string, raw: string | undefined): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) {
    console.error(`--${name} must be a port number, got "${raw}"`);
    process.exit(2);
  }
  return n;
};

const starting = startLocalStack({
  stateDir: path.join(REPO_ROOT, ".gantry"),
  edgePort: port("edge-port", values["edge-port"]),
  vcsimPort: port("vcsim-port", values["vcsim-port"]),
  echo: !values.quiet,
  devTools: true,
});

// handlers first: a Ctrl-C while the stack still starts must stop what it started too (the children run
// in process groups of their own, so the terminal's SIGINT never reaches them: only we can stop them)
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the local stack…");
  // a start that fails stops what it started itself; one still starting is stopped once it is up
  const started = await starting.catch(() => null);
  await started?.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

const stack = await starting;
// unless Ctrl-C came while it started: then shutdown() stops it and ends the process
if (!stopping) {
  void stack.release.then((release) => {
    if (release && !stopping)
      console.log(
        `Agent release ${release.version} published: the Agents page's install command downloads it.`,
      );
  });
  console.log(`
Gantry is running: ${stack.edgeUrl}
  vCenter simulator  ${stack.vcsim.url}  (${stack.vcsim.username} / ${stack.vcsim.password})
  agents             ${stack.agents.map((a) => a.name).join(", ") || "none"}
  endpoints file     ${stack.devJsonPath}
Sign in with one of the demo users (dev login, no password):
${DEMO_USERS.map((u) => `  ${u.email.padEnd(20)} ${u.role.padEnd(7)} ${u.tenant}`).join("\n")}
Press Ctrl-C to stop.`);
}
