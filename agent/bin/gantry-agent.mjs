#!/usr/bin/env node
// Runs the bundled agent (built by `npm run build -w @gantry/agent` into dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = new URL("../dist/gantry-agent.mjs", import.meta.url);
if (!existsSync(bundle)) {
  // a checkout that was never built: say how to build rather than fail with a bare ERR_MODULE_NOT_FOUND
  process.stderr.write(
    `gantry-agent: ${fileURLToPath(bundle)} is missing: the agent has not been built.\n` +
      "Build it from the repository root with `npm ci && npm run build -w @gantry/agent`,\n" +
      "or run it from source with `node --import tsx agent/src/cli.ts`.\n",
  );
  process.exit(1);
}
const { runCli } = await import(bundle.href);
process.exitCode = await runCli(process.argv.slice(2));
