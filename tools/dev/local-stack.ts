import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { localRelease, publishToLocalEdge } from "@gantry/release/publish";
import type { AgentRelease } from "@gantry/shared/releases/agent-release";
import { startVcsim } from "@gantry/vcsim";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { buildWeb } from "./build-web.ts";
import type { LocalEdge } from "./edge-server.ts";
import { type LocalAgent, startLocalAgent } from "./local-agent.ts";
import { assertPortFree } from "./port-holder.ts";
import { StartedParts } from "./started-parts.ts";

export interface LocalStackOptions {
  /** Holds D1/DO state, agent state and dev.json; a fresh directory gives a fresh product. */
  stateDir: string;
  edgePort?: number;
  vcsimPort?: number;
  /** Enrolled agents to start for the demo site (default 1). */
  agents?: number;
  /** Start an agent again when it exits on its own (see LocalAgentOptions.restart); `npm run dev` does. */
  restartAgents?: boolean;
  buildWeb?: boolean;
  /**
   * Publish the release this checkout built (if any) into the edge, in the background; `npm run dev`
   * does. Off by default: the upload keeps workerd busy for half a minute.
   */
  publishRelease?: boolean;
  echo?: boolean;
  /** Simulator guest boot delay; the stepper is easier to watch with a few seconds. */
  guestBootDelayMs?: number;
  /** More SQL after the demo seed (the benchmarks' extra people); see EdgeOptions.extraStatements. */
  extraStatements?: readonly string[];
  /** Miniflare's local explorer and trace recorder (see EdgeOptions.devTools). */
  devTools?: boolean;
  /** Each step of starting and stopping, as a line (`npm run dev` prints them). */
  progress?: (line: string) => void;
  /** Calls the start-up off: what has started is stopped again and the promise rejects. */
  signal?: AbortSignal;
}

export interface LocalStack {
  readonly edgeUrl: string;
  readonly vcsim: VcsimHandle;
  readonly edge: LocalEdge;
  readonly agents: readonly LocalAgent[];
  readonly devJsonPath: string;
  /**
   * The release this checkout built, published into the edge in the background (100+ MB into the local
   * R2 bucket takes half a minute: the stack does not wait for it); null when none was built, it failed
   * or the stack stopped first.
   */
  readonly release: Promise<AgentRelease | null>;
  /**
   * Stops everything in order: the release upload is called off, the agents drain, then the edge stops,
   * then VCSIM. Safe to call twice.
   */
  stop(): Promise<void>;
  /** While stopping: the agents are asked once more (they hand their jobs back now, then exit now). */
  hurry(): void;
}

export const DEMO_USERS = [
  { email: "alice@acme.test", tenant: "acme", role: "member" },
  { email: "adam@acme.test", tenant: "acme", role: "admin" },
  { email: "sam@acme.test", tenant: "acme", role: "member" },
  { email: "nora@acme.test", tenant: "acme", role: "member" },
  { email: "gina@globex.test", tenant: "globex", role: "member" },
  { email: "gary@globex.test", tenant: "globex", role: "admin" },
] as const;

// wrangler dev never fires cron triggers and Miniflare does not either; production runs the outbox
// sweeper every minute (wrangler.toml's crons), so do we
const SWEEP_EVERY_MS = 60_000;

/**
 * The whole product on one machine: VCSIM, the edge (Miniflare in this process), the built web app, and
 * enrolled agents. Used by `npm run dev`, the browser tests and the benchmarks. Taken ports fail the start
 * before anything runs; a failed or aborted start stops what it had started.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const echo = options.echo ?? false;
  const progress = options.progress ?? (() => undefined);
  const { signal } = options;
  signal?.throwIfAborted();
  if (options.edgePort !== undefined) await assertPortFree(options.edgePort, "the edge", "--edge-port");
  if (options.vcsimPort !== undefined) await assertPortFree(options.vcsimPort, "VCSIM", "--vcsim-port");
  await mkdir(options.stateDir, { recursive: true });
  // Miniflare takes a second or two to load: meanwhile VCSIM starts
  const edgeServer = import("./edge-server.ts");
  edgeServer.catch(() => undefined);
  const parts = new StartedParts(progress);
  // the web build runs beside VCSIM; a failed start calls it off too
  const build = new AbortController();
  const onAbort = () => build.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (options.buildWeb !== false) progress("Building the web app…");
  const webBuilt = options.buildWeb === false ? Promise.resolve() : buildWeb({ echo, signal: build.signal });
  try {
    progress("Starting VCSIM…");
    const vcsim = await startVcsim({
      ...(options.vcsimPort === undefined ? {} : { listen: `127.0.0.1:${options.vcsimPort}` }),
      guestBootDelayMs: options.guestBootDelayMs ?? 2000,
      certDir: path.join(options.stateDir, "vcsim"),
      ...(signal === undefined ? {} : { signal }),
    });
    parts.add("VCSIM", () => vcsim.stop());
    progress(`VCSIM ready at ${vcsim.url}`);
    await webBuilt;
    signal?.throwIfAborted();

    progress("Starting the edge…");
    const { startEdge } = await edgeServer;
    const edge = await startEdge({
      persistTo: path.join(options.stateDir, "wrangler"),
      ...(options.edgePort === undefined ? {} : { port: options.edgePort }),
      echo,
      devTools: options.devTools ?? false,
      ...(options.extraStatements === undefined ? {} : { extraStatements: options.extraStatements }),
    });
    parts.add("the edge", () => edge.stop());
    progress(`Edge ready at ${edge.url}`);
    signal?.throwIfAborted();
    const sweeper = setInterval(() => {
      fetch(`${edge.url}/cdn-cgi/local/scheduled`).catch(() => undefined);
    }, SWEEP_EVERY_MS);
    sweeper.unref();
    parts.add("", async () => clearInterval(sweeper));

    const agents: LocalAgent[] = [];
    for (let i = 0; i < (options.agents ?? 1); i++) {
      const name = `local-agent-${i + 1}`;
      progress(`Starting ${name}…`);
      const agent = await startLocalAgent({
        edgeUrl: edge.url,
        vcsim,
        name,
        stateDir: path.join(options.stateDir, `agent-${i + 1}`),
        echo,
        restart: options.restartAgents ?? false,
        note: progress,
        ...(signal === undefined ? {} : { signal }),
      });
      parts.add(
        name,
        () => agent.stop(),
        () => agent.hurry(),
      );
      agents.push(agent);
    }

    // only when this checkout built a release (npm run build -w @gantry/release): the Agents page's install
    // command and agent upgrades then have something to download. After the agents: a few hundred MB into
    // the local bucket keep workerd busy, and an enrollment or a first connection must not wait behind it
    const published = options.publishRelease ? publishLocalRelease(edge.url, parts) : Promise.resolve(null);

    const devJsonPath = path.join(options.stateDir, "dev.json");
    await writeDevJson(devJsonPath, edge, vcsim, agents);
    signal?.throwIfAborted();
    return {
      edgeUrl: edge.url,
      vcsim,
      edge,
      agents,
      devJsonPath,
      release: published,
      stop: () => parts.stopAll(),
      hurry: () => parts.hurry(),
    };
  } catch (error) {
    build.abort();
    await webBuilt.catch(() => undefined);
    await parts.stopAll();
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Uploads the release this checkout built (if any) into the edge's local bucket, in the background. The
 * upload is a part of the stack: a stop calls it off and waits for it before the edge goes, so no request
 * is in flight when workerd stops.
 */
function publishLocalRelease(edgeUrl: string, parts: StartedParts): Promise<AgentRelease | null> {
  const releaseDir = localRelease();
  if (!releaseDir) return Promise.resolve(null);
  const upload = new AbortController();
  // the files of every architecture (checksums, signature) and this machine's: the test builds also
  // hold linux-arm64's, another ~200 MB into workerd at every start for an agent no local host runs
  const hostArch = process.arch === "arm64" ? "arm64" : "x64";
  const published = publishToLocalEdge(edgeUrl, releaseDir, {
    signal: upload.signal,
    only: (file) => file.arch === undefined || file.arch === hostArch,
  }).catch((error: unknown) => {
    if (!upload.signal.aborted) process.stderr.write(`local agent release not published: ${String(error)}\n`);
    return null;
  });
  parts.add("the release upload", async () => {
    upload.abort();
    await published;
  });
  return published;
}

/** Endpoints and credentials of the running stack, for tools and tests that drive it (mode 0600). */
async function writeDevJson(file: string, edge: LocalEdge, vcsim: VcsimHandle, agents: LocalAgent[]) {
  const body = {
    edgeUrl: edge.url,
    vcsim: {
      url: vcsim.url,
      username: vcsim.username,
      password: vcsim.password,
      caFile: vcsim.caFile ?? null,
      sha256: vcsim.sha256 ?? null,
      templatePath: vcsim.templatePath,
    },
    users: DEMO_USERS,
    agents: agents.map((a) => ({ name: a.name, stateDir: a.stateDir, healthUrl: a.healthUrl })),
  };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
}

export interface EdgeStackOptions {
  /** Holds D1/DO state and the web build; a fresh directory gives a fresh product. */
  stateDir: string;
  /** Build-time settings of the web app (`VITE_*`); it gets a build of its own in `stateDir`. */
  webEnv: Record<string, string>;
  /** Worker vars over the local stack's (e.g. OIDC_* and DEV_LOGIN "off"). */
  vars: Record<string, string>;
  echo?: boolean;
}

export interface EdgeStack {
  readonly edgeUrl: string;
  readonly edge: LocalEdge;
  stop(): Promise<void>;
}

/**
 * The edge alone (seeded, no VCSIM, no agent) serving a web build made with `webEnv`: for tests of what
 * needs neither under settings of their own, such as single sign-on against a test identity provider.
 * Runs beside a full local stack (own ports, own state, own build).
 */
export async function startEdgeStack(options: EdgeStackOptions): Promise<EdgeStack> {
  const { startEdge } = await import("./edge-server.ts");
  const echo = options.echo ?? false;
  const assetsDir = path.join(options.stateDir, "web");
  await mkdir(options.stateDir, { recursive: true });
  await buildWeb({ echo, outDir: assetsDir, env: options.webEnv });
  const edge = await startEdge({
    persistTo: path.join(options.stateDir, "wrangler"),
    assetsDir,
    vars: options.vars,
    echo,
  });
  return { edgeUrl: edge.url, edge, stop: () => edge.stop() };
}
