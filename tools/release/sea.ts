import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bundleAgent } from "@gantry/agent/build";
import { AGENT_EXEC_ARGV } from "@gantry/agent/runtime/exec-argv";
import type { ReleaseArch } from "@gantry/shared/releases/agent-release";
import { HOST_NODE, nodeBinary } from "./node-binaries.ts";

// https://nodejs.org/api/single-executable-applications.html: the fuse Node looks for, and the note
// (ELF) the blob goes into
const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * The agent bundled for the executable (CommonJS), and the SEA preparation blob made from it. The blob
 * carries no code cache or snapshot, so one blob serves every architecture of the same Node version.
 */
export async function prepareBlob(input: {
  workDir: string;
  version: string;
  releasePublicKey: string;
}): Promise<{ bundle: string; blob: string }> {
  const bundle = path.join(input.workDir, "gantry-agent.cjs");
  const blob = path.join(input.workDir, "gantry-agent.blob");
  await bundleAgent({
    outfile: bundle,
    format: "cjs",
    build: { version: input.version, releasePublicKey: input.releasePublicKey },
  });
  const config = path.join(input.workDir, "sea-config.json");
  writeFileSync(
    config,
    JSON.stringify({
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
      // the agent's Node options (a smaller young generation), applied whenever the executable starts
      execArgv: [...AGENT_EXEC_ARGV],
    }),
  );
  execFileSync(HOST_NODE, ["--experimental-sea-config", config], { stdio: "pipe" });
  return { bundle, blob };
}

/** Copies the architecture's Node, strips it (x64: 17 MB of debug info) and injects the blob. */
export async function buildExecutable(input: {
  arch: ReleaseArch;
  blob: string;
  out: string;
}): Promise<void> {
  rmSync(input.out, { force: true });
  const node = nodeBinary(input.arch);
  if (input.arch === "x64") execFileSync("strip", ["-o", input.out, node]);
  else copyFileSync(node, input.out);
  chmodSync(input.out, 0o755);
  // postject reports progress on console.log and LIEF warns about Node's unnamed notes on stderr:
  // nothing a build log needs
  const log = console.log;
  const stderr = process.stderr.write;
  console.log = () => {};
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith("warning: Can't find string offset")
      ? true
      : stderr.call(process.stderr, chunk, ...rest)) as typeof stderr;
  try {
    // loaded only when an executable is built: it compiles LIEF (WebAssembly), seconds on a busy machine
    const { inject } = await import("postject");
    await inject(input.out, "NODE_SEA_BLOB", readFileSync(input.blob), { sentinelFuse: SENTINEL_FUSE });
  } finally {
    console.log = log;
    process.stderr.write = stderr;
  }
}
