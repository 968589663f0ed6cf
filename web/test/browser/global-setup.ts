import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalStack } from "@gantry/agent/local-stack";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    edgeUrl: string;
  }
}

/** One local stack (VCSIM, Miniflare edge serving the fresh web build, one enrolled agent) for the whole run. */
export default async function setup(project: TestProject) {
  const stateDir = await mkdtemp(path.join(tmpdir(), "gantry-web-browser-"));
  const started = Date.now();
  const stack = await startLocalStack({
    stateDir,
    agents: 1,
    // long enough to see "Waiting for network" in the stepper, short enough to keep the run quick
    guestBootDelayMs: 1500,
    echo: process.env.GANTRY_ECHO === "1",
  });
  console.log(`local stack up at ${stack.edgeUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("edgeUrl", stack.edgeUrl);
  return async () => {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
}
