import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sha256OfFile } from "@gantry/agent/upgrade/release-signature";
import {
  type AgentRelease,
  CHECKSUMS_FILE,
  CHECKSUMS_SIGNATURE_FILE,
  type ReleaseArch,
  type ReleaseFile,
  releaseFileNames,
} from "@gantry/shared/releases/agent-release";
import { buildDeb } from "./deb.ts";
import { NODE_VERSION } from "./node-binaries.ts";
import { type ReleaseKey, signFile } from "./release-key.ts";
import { DIST_DIR } from "./repo-paths.ts";
import { buildExecutable, prepareBlob } from "./sea.ts";
import { buildTarball } from "./tarball.ts";

export interface ReleaseOptions {
  version: string;
  arches: readonly ReleaseArch[];
  /** the .deb and the tarball too (false: the executables and their signatures only) */
  packages: boolean;
  key: ReleaseKey;
  outDir?: string;
}

export interface BuiltRelease {
  dir: string;
  manifest: AgentRelease;
  /** false when the inputs were those of the last build and nothing was rebuilt */
  rebuilt: boolean;
}

const BUILD_SOURCES = ["build-release.ts", "sea.ts", "deb.ts", "tarball.ts", "host-layout.ts"];

/**
 * Builds one release into dist/<version>/: per architecture the single executable and its signature
 * (and, with `packages`, the .deb and the tarball), then SHA256SUMS, its signature and release.json.
 * Skips everything after the bundle when the inputs match the last build's (bundle, key, Node, options,
 * this tool's sources): the executables are 100 MB each, so they are cached here, not in turbo's cache.
 */
export async function buildRelease(options: ReleaseOptions): Promise<BuiltRelease> {
  const dir = options.outDir ?? path.join(DIST_DIR, options.version);
  const work = path.join(dir, ".work");
  mkdirSync(work, { recursive: true });
  const { bundle, blob } = await prepareBlob({
    workDir: work,
    version: options.version,
    releasePublicKey: options.key.publicKey,
  });
  const inputs = inputsHash(bundle, options);
  const stampFile = path.join(work, "inputs.sha256");
  const manifestFile = path.join(dir, "release.json");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === inputs && existsSync(manifestFile)) {
    return { dir, manifest: JSON.parse(readFileSync(manifestFile, "utf8")) as AgentRelease, rebuilt: false };
  }
  rmSync(stampFile, { force: true });

  const files: ReleaseFile[] = [];
  const record = async (name: string, kind: ReleaseFile["kind"], arch?: ReleaseArch) => {
    const file = path.join(dir, name);
    files.push({
      name,
      kind,
      ...(arch ? { arch } : {}),
      size: statSync(file).size,
      sha256: await sha256OfFile(file),
    });
  };
  for (const arch of options.arches) {
    const names = releaseFileNames(options.version, arch);
    const executable = path.join(dir, names.executable);
    await buildExecutable({ arch, blob, out: executable });
    await signFile(options.key, executable);
    await record(names.executable, "executable", arch);
    await record(names.signature, "signature", arch);
    if (options.packages) {
      const common = { version: options.version, arch, executable, workDir: work };
      buildDeb({ ...common, out: path.join(dir, names.deb) });
      await record(names.deb, "deb", arch);
      buildTarball({ ...common, out: path.join(dir, names.tarball) });
      await record(names.tarball, "tarball", arch);
    }
  }
  // sha256sum's format, so `sha256sum -c --ignore-missing SHA256SUMS` checks a download
  writeFileSync(path.join(dir, CHECKSUMS_FILE), files.map((f) => `${f.sha256}  ${f.name}\n`).join(""));
  await signFile(options.key, path.join(dir, CHECKSUMS_FILE));
  await record(CHECKSUMS_FILE, "checksums");
  await record(CHECKSUMS_SIGNATURE_FILE, "signature");
  const manifest: AgentRelease = { version: options.version, publishedAt: new Date().toISOString(), files };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(stampFile, inputs);
  return { dir, manifest, rebuilt: true };
}

function inputsHash(bundle: string, options: ReleaseOptions): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(bundle));
  hash.update(
    JSON.stringify([options.version, options.arches, options.packages, options.key.publicKey, NODE_VERSION]),
  );
  for (const source of BUILD_SOURCES) hash.update(readFileSync(path.join(import.meta.dirname, source)));
  return hash.digest("hex");
}
