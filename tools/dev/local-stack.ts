import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { localRelease, publishToLocalEdge } from "@gantry/release/publish";
import type { AgentRelease } from "@gantry/shared/releases/agent-release";
import { startVcsim } from "@gantry/vcsim";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { buildWeb } from "./build-web.ts";
import { type EdgeProcess, prepareEdgeState, startEdgeProcess } from "./edge-process.ts";
import { type LocalAgent, startLocalAgent } from "./local-agent.ts";

export interface LocalStackOptions {
  /** Holds D1/DO state, agent state and dev.json; a fresh directory gives a fresh product. */
  stateDir: string;
  edgePort?: number;
  vcsimPort?: number;
  /** Enrolled agents to start for the demo site (default 1). */
  agents?: number;
  buildWeb?: boolean;
  echo?: boolean;
  /** Simulator guest boot delay; the stepper is easier to watch with a few seconds. */
  guestBootDelayMs?: number;
  /** Miniflare's local explorer and trace recorder (see EdgeProcessOptions.devTools). */
  devTools?: boolean;
}

export interface LocalStack {
  readonly edgeUrl: string;
  readonly vcsim: VcsimHandle;
  readonly edge: EdgeProcess;
  readonly agents: readonly LocalAgent[];
  readonly devJsonPath: string;
  /**
   * The release this checkout built, published into the edge in the background (100+ MB into the local
   * R2 bucket takes half a minute: the stack does not wait for it); null when none was built or it failed.
   */
  readonly release: Promise<AgentRelease | null>;
  stop(): Promise<void>;
}

export const DEMO_USERS = [
  { email: "alice@acme.test", tenant: "acme", role: "member" },
  { email: "adam@acme.test", tenant: "acme", role: "admin" },
  { email: "gina@globex.test", tenant: "globex", role: "member" },
  { email: "gary@globex.test", tenant: "globex", role: "admin" },
] as const;

/**
 * The whole product on one machine: VCSIM, the edge under `wrangler dev` (Miniflare), the built web app,
 * and enrolled agents. Used by `npm run dev`, the browser tests and the benchmarks.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const echo = options.echo ?? false;
  await mkdir(options.stateDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
  };
  try {
    const webBuilt = options.buildWeb === false ? Promise.resolve() : buildWeb({ echo });
    const vcsim = await startVcsim({
      ...(options.vcsimPort === undefined ? {} : { listen: `127.0.0.1:${options.vcsimPort}` }),
      guestBootDelayMs: options.guestBootDelayMs ?? 2000,
      certDir: path.join(options.stateDir, "vcsim"),
    });
    stoppers.push(() => vcsim.stop());
    await webBuilt;
    const edge = await startEdgeProcess({
      persistTo: path.join(options.stateDir, "wrangler"),
      ...(options.edgePort === undefined ? {} : { port: options.edgePort }),
      echo,
      devTools: options.devTools ?? false,
    });
    stoppers.push(() => edge.stop());
    // wrangler dev never fires cron triggers; production runs the outbox sweeper every minute, so do we
    const sweeper = setInterval(() => {
      fetch(`${edge.url}/cdn-cgi/local/scheduled`).catch(() => undefined);
    }, 60_000);
    sweeper.unref();
    stoppers.push(async () => clearInterval(sweeper));
    // only when this checkout built a release (npm run build -w @gantry/release): the Agents page's install
    // command and agent upgrades then have something to download
    const releaseDir = localRelease();
    const published = releaseDir
      ? publishToLocalEdge(edge.url, releaseDir).catch((error: unknown) => {
          process.stderr.write(`local agent release not published: ${String(error)}\n`);
          return null;
        })
      : Promise.resolve(null);

    const agents: LocalAgent[] = [];
    for (let i = 0; i < (options.agents ?? 1); i++) {
      const agent = await startLocalAgent({
        edgeUrl: edge.url,
        vcsim,
        name: `local-agent-${i + 1}`,
        stateDir: path.join(options.stateDir, `agent-${i + 1}`),
        echo,
      });
      stoppers.push(() => agent.stop());
      agents.push(agent);
    }

    const devJsonPath = path.join(options.stateDir, "dev.json");
    await writeFile(
      devJsonPath,
      `${JSON.stringify(
        {
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
        },
        null,
        2,
      )}\n`,
      { mode: 0o600 },
    );
    return { edgeUrl: edge.url, vcsim, edge, agents, devJsonPath, release: published, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
  readonly edge: EdgeProcess;
  stop(): Promise<void>;
}

/**
 * The edge alone (seeded, no VCSIM, no agent) serving a web build made with `webEnv`: for tests of what
 * needs neither under settings of their own, such as single sign-on against a test identity provider.
 * Runs beside a full local stack (own ports, own state, own build).
 */
export async function startEdgeStack(options: EdgeStackOptions): Promise<EdgeStack> {
  const echo = options.echo ?? false;
  const assetsDir = path.join(options.stateDir, "web");
  const persistTo = path.join(options.stateDir, "wrangler");
  await mkdir(options.stateDir, { recursive: true });
  await Promise.all([
    buildWeb({ echo, outDir: assetsDir, env: options.webEnv }),
    prepareEdgeState({ persistTo, echo }),
  ]);
  const edge = await startEdgeProcess({ persistTo, prepare: false, assetsDir, vars: options.vars, echo });
  return { edgeUrl: edge.url, edge, stop: () => edge.stop() };
}
