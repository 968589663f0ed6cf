import { parseArgs } from "node:util";
import agentPackage from "@gantry/agent/package.json" with { type: "json" };
import { ReleaseArch, ReleaseVersion } from "@gantry/shared/releases/agent-release";
import { buildRelease } from "./build-release.ts";
import { loadReleaseKey } from "./release-key.ts";

// `npm run release -w @gantry/release -- [--version 1.2.3] [--arch x64,arm64]`: a full release, every
// architecture the registry has a Node build for, packages included, signed with GANTRY_RELEASE_KEY_FILE
// (or the development key). Publishing it is `publish.ts`.

const { values } = parseArgs({
  options: {
    version: { type: "string", default: agentPackage.version },
    arch: { type: "string", default: "x64,arm64" },
  },
});
const version = ReleaseVersion.parse(values.version);
const arches = (values.arch ?? "").split(",").map((a) => ReleaseArch.parse(a.trim()));
const key = loadReleaseKey();
const started = performance.now();
const built = await buildRelease({ version, arches, packages: true, key });
process.stdout.write(
  `release ${version} in ${built.dir} (${((performance.now() - started) / 1000).toFixed(1)} s, signed with ${key.source}):\n${built.manifest.files
    .map((f) => `  ${f.name}  ${(f.size / 1048576).toFixed(1)} MiB`)
    .join("\n")}\n`,
);
