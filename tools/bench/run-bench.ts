/**
 * `npm run bench`: the local stack, the scenarios of issue 8 side by side with their alternatives, a
 * table on stdout and results.json beside this file (fields: README.md). Runs on a frozen copy of HEAD
 * unless `--live`; see snapshot.ts for why.
 *
 *   npm run bench -w @gantry/bench -- [--quick] [--only events,latency,overhead,burst] [--runs 3] [--live]
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "@gantry/dev/repo-paths";
import { runBench } from "./bench.ts";
import { gitFacts } from "./machine.ts";
import { parseBenchArgs } from "./settings.ts";
import { createSnapshot } from "./snapshot.ts";

// set by the parent for the copy it runs: where to write, and which commit the copy is
const IN_SNAPSHOT = "GANTRY_BENCH_SNAPSHOT_OF";
const OUT_FILE = "GANTRY_BENCH_OUT";
// this script's place in the repository, to run the copy's own
const THIS_FILE = path.relative(REPO_ROOT, import.meta.filename);

let args: ReturnType<typeof parseBenchArgs>;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}

const outFile = process.env[OUT_FILE] ?? path.join(import.meta.dirname, "results.json");
const snapshotOf = process.env[IN_SNAPSHOT];
if (snapshotOf !== undefined || args.live) {
  // a copy of HEAD is exactly that commit; the live tree may carry uncommitted changes
  const git = snapshotOf !== undefined ? { commit: snapshotOf, dirty: false } : gitFacts();
  await runBench({ args, git, outFile });
} else {
  const snapshot = await createSnapshot();
  process.stderr.write(`[bench] measuring ${snapshot.commit.slice(0, 9)} from a copy in ${snapshot.dir}\n`);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(snapshot.dir, THIS_FILE), ...process.argv.slice(2)],
    { stdio: "inherit", env: { ...process.env, [IN_SNAPSHOT]: snapshot.commit, [OUT_FILE]: outFile } },
  );
  // Ctrl-C reaches the child too; wait for it to stop its stack before removing the copy
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  await snapshot.remove();
  process.exitCode = code;
}
