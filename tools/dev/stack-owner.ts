import { isStopMessage } from "./owner-channel.ts";

// The process that owns the local stack for `npm run dev` (dev.ts starts it in a session of its own):
// VCSIM, the edge (Miniflare, whose workerd is our child) and the agents are started here and stopped
// here, in order, on every way out — a stop request, dev.ts gone, a failed or called-off start, a bug.
// It listens for stop requests before it loads the rest, so that none is missed during start-up.
const startup = new AbortController();
let stopping = false;
let hurry: () => void = () => undefined;

/** The first request stops the stack (or calls its start off); each further one hurries the agents. */
const stop = () => {
  if (stopping) hurry();
  stopping = true;
  startup.abort();
};
process.on("message", (message) => isStopMessage(message) && stop());
// dev.ts is gone (killed): nobody will ask again, so stop now
process.on("disconnect", stop);
// a closed terminal must not turn a stop into a crash half-way
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

const { DEMO_USERS, startLocalStack } = await import("./local-stack.ts");
const { PortBusyError } = await import("./port-holder.ts");
const { StackSettings } = await import("./stack-settings.ts");
const settings = StackSettings.parse(JSON.parse(process.argv[2] ?? "{}"));
const say = (line: string) => console.log(line);

let stack: Awaited<ReturnType<typeof startLocalStack>> | null = null;
const fail = async (what: string, error: unknown) => {
  console.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stack?.stop().catch(() => undefined);
  process.exit(1);
};
process.on("uncaughtException", (error) => void fail("The local stack hit a bug and stops", error));
process.on("unhandledRejection", (error) => void fail("The local stack hit a bug and stops", error));

try {
  stack = await startLocalStack({
    stateDir: settings.stateDir,
    edgePort: settings.edgePort,
    vcsimPort: settings.vcsimPort,
    agents: settings.agents,
    restartAgents: true,
    buildWeb: settings.buildWeb,
    publishRelease: settings.publishRelease,
    echo: settings.echo,
    devTools: true,
    progress: say,
    signal: startup.signal,
  });
} catch (error) {
  // startLocalStack has stopped whatever it had started
  if (stopping) {
    say("Stopped before it was ready.");
    process.exit(0);
  }
  console.error(
    error instanceof PortBusyError ? error.message : `The local stack failed to start: ${String(error)}`,
  );
  process.exit(1);
}
const running = stack;
hurry = () => running.hurry();

if (!stopping) {
  say(`
Gantry is running: ${running.edgeUrl}
  vCenter simulator  ${running.vcsim.url}  (${running.vcsim.username} / ${running.vcsim.password})
  agents             ${running.agents.map((a) => a.name).join(", ") || "none"} (each started again when it exits)
  endpoints file     ${running.devJsonPath}
Sign in with one of the demo users (dev login, no password):
${DEMO_USERS.map((u) => `  ${u.email.padEnd(20)} ${u.role.padEnd(7)} ${u.tenant}`).join("\n")}
Press Ctrl-C to stop.`);
  // the release upload runs on after the announcement (see LocalStack.release)
  void running.release.then((release) => {
    if (release && !stopping)
      say(`Agent release ${release.version} published: the Agents page's install command downloads it.`);
  });
}
await new Promise((resolve) => {
  if (startup.signal.aborted) resolve(undefined);
  else startup.signal.addEventListener("abort", resolve, { once: true });
});
await running.stop();
say("Stopped.");
process.exit(0);
