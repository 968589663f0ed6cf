import { runCli } from "./cli.ts";

// The entry of the single executable (CommonJS: Node 22 runs only that as a SEA's main script).
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
