import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalStack } from "@gantry/dev/local-stack";
import type { TestProject } from "vitest/node";
import { z } from "zod";
import { launchBrowserServer } from "./support/shared-browser.ts";
import { setCloneDelay, type VcsimEndpoint } from "./support/vcsim-control.ts";

declare module "vitest" {
  export interface ProvidedContext {
    edgeUrl: string;
    /** the simulator's control API (fault injection), reached with its self-signed certificate */
    vcsim: VcsimEndpoint;
    /** the one Chromium every file connects to (playwright's browser server) */
    browserWsEndpoint: string;
  }
}

/**
 * One Chromium for the whole run, shared by every file. Sign-ins stay per context: sessions live at the
 * edge, so a test that signs out would end a session other files shared.
 */
async function shareBrowser(project: TestProject): Promise<() => Promise<void>> {
  const server = await launchBrowserServer();
  project.provide("browserWsEndpoint", server.wsEndpoint());
  return () => server.close();
}

// a clone that takes a few seconds (reporting 10…90 %) so the stepper's percent is visible
const CLONE_DELAY_MS = 3000;

const DevJson = z.object({
  edgeUrl: z.string().url(),
  vcsim: z.object({ url: z.string().url(), caFile: z.string().nullable() }),
});

/**
 * The stack's agents for Acme's site. Two, so the files that build a VM for themselves (vms, vm-changes)
 * and then keep their VM busy with power, snapshot and resize jobs never leave another file's clone
 * waiting for the one agent: each agent takes one job of a VM's stream at a time, and a job goes to
 * whichever agent is free. No test counts the agents (they find "a connected one").
 */
const AGENTS = 2;

/**
 * One local stack (VCSIM, Miniflare edge serving the fresh web build, `AGENTS` enrolled agents) for the
 * whole run. With GANTRY_DEV_JSON pointing at a running stack's dev.json (`npm run dev` writes .gantry/dev.json),
 * the tests use that stack instead, which makes iterating on them quick.
 */
export default async function setup(project: TestProject) {
  const reuse = process.env.GANTRY_DEV_JSON;
  if (reuse) {
    const dev = DevJson.parse(JSON.parse(readFileSync(reuse, "utf8")));
    const vcsim = { sdkUrl: dev.vcsim.url, caFile: dev.vcsim.caFile };
    await setCloneDelay(vcsim, CLONE_DELAY_MS);
    project.provide("edgeUrl", dev.edgeUrl);
    project.provide("vcsim", vcsim);
    return shareBrowser(project);
  }

  const stateDir = await mkdtemp(path.join(tmpdir(), "gantry-web-browser-"));
  const started = Date.now();
  const stack = await startLocalStack({
    stateDir,
    agents: AGENTS,
    // long enough to see "Waiting for network" in the stepper, short enough to keep the run quick
    guestBootDelayMs: 1500,
    echo: process.env.GANTRY_ECHO === "1",
  });
  await stack.vcsim.control.settings({ taskDelaysMs: { CloneVM_Task: CLONE_DELAY_MS } });
  console.log(`local stack up at ${stack.edgeUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("edgeUrl", stack.edgeUrl);
  project.provide("vcsim", { sdkUrl: stack.vcsim.url, caFile: stack.vcsim.caFile ?? null });
  const closeBrowser = await shareBrowser(project);
  return async () => {
    await closeBrowser();
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
}
