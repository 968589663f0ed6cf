import { readFileSync } from "node:fs";
import path from "node:path";
import type { AgentRelease, ReleaseArch } from "@gantry/shared/releases/agent-release";
import { DIST_DIR } from "./repo-paths.ts";

/** What `npm run build -w @gantry/release` made for the tests: the package's version and a newer one. */
export interface TestBuilds {
  previous: BuiltVersion;
  next: BuiltVersion;
  /** base64 SPKI DER of the key both are signed with and trust */
  releasePublicKey: string;
}

export interface BuiltVersion {
  version: string;
  dir: string;
  manifest: AgentRelease;
}

export const TEST_BUILDS_FILE = path.join(DIST_DIR, "test-builds.json");

export function readTestBuilds(): TestBuilds {
  try {
    return JSON.parse(readFileSync(TEST_BUILDS_FILE, "utf8")) as TestBuilds;
  } catch {
    throw new Error(`${TEST_BUILDS_FILE} is missing: run "npm run build -w @gantry/release" first`);
  }
}

/** A built file of a version, by kind and architecture (default: this machine's). */
export function builtFile(
  build: BuiltVersion,
  kind: "executable" | "deb" | "tarball",
  arch: ReleaseArch = process.arch as ReleaseArch,
): string {
  const file = build.manifest.files.find((f) => f.kind === kind && f.arch === arch);
  if (!file) throw new Error(`release ${build.version} has no ${kind} for ${arch}`);
  return path.join(build.dir, file.name);
}
