import { writeFileSync } from "node:fs";
import agentPackage from "@gantry/agent/package.json" with { type: "json" };
import type { ReleaseArch } from "@gantry/shared/releases/agent-release";
import { buildRelease } from "./build-release.ts";
import { loadReleaseKey } from "./release-key.ts";
import { TEST_BUILDS_FILE, type TestBuilds } from "./test-builds.ts";

// `npm run build -w @gantry/release` (a turbo task before the tests that use it): this machine's
// architecture in two versions, the package's own with its .deb and tarball (and linux-arm64's), and a newer one (same
// sources, a version override) that the upgrade test moves to. Unchanged inputs rebuild nothing.

const nextVersion = (version: string) => {
  const [major, minor, patch] = version.split("-")[0]?.split(".").map(Number) ?? [];
  return `${major}.${minor}.${(patch ?? 0) + 1}-next`;
};

const started = performance.now();
const key = loadReleaseKey();
const arch = process.arch === "arm64" ? "arm64" : "x64";
// the previous build also for linux-arm64 (the registry's Node, same blob): the package tests take its
// executable apart and install.sh on the fresh-host test picks it by `uname -m`
const previousArches: ReleaseArch[] = arch === "x64" ? ["x64", "arm64"] : [arch];
const previousVersion = agentPackage.version;
const [previous, next] = [
  await buildRelease({ version: previousVersion, arches: previousArches, packages: true, key }),
  await buildRelease({ version: nextVersion(previousVersion), arches: [arch], packages: false, key }),
];
const builds: TestBuilds = {
  previous: { version: previous.manifest.version, dir: previous.dir, manifest: previous.manifest },
  next: { version: next.manifest.version, dir: next.dir, manifest: next.manifest },
  releasePublicKey: key.publicKey,
};
writeFileSync(TEST_BUILDS_FILE, `${JSON.stringify(builds, null, 2)}\n`);
const what = (b: typeof previous) => `${b.manifest.version} (${b.rebuilt ? "built" : "unchanged"})`;
process.stdout.write(
  `release builds ${what(previous)} and ${what(next)} in ${((performance.now() - started) / 1000).toFixed(1)} s, signed with ${key.source}\n`,
);
