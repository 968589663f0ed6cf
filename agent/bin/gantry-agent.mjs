#!/usr/bin/env node
// Runs the bundled agent (built by `npm run build -w @gantry/agent` into dist/).
import { runCli } from "../dist/gantry-agent.mjs";

process.exitCode = await runCli(process.argv.slice(2));
