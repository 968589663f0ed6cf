import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { type ReleaseArch, releaseFileNames } from "@gantry/shared/releases/agent-release";
import { isNewerVersion } from "@gantry/shared/releases/version-order";
import { err, ok, type Result } from "@gantry/shared/result";
import { downloadReleaseFile, fetchCurrentRelease } from "./release-download.ts";
import { sha256OfFile, verifyDigestSignature } from "./release-signature.ts";
import { EXECUTABLE, type ReleaseStore, SIGNATURE } from "./release-store.ts";

export type UpgradeRefusal =
  | "UNSIGNED_BUILD"
  | "NO_RELEASE"
  | "UP_TO_DATE"
  | "SKIPPED"
  | "NO_BUILD_FOR_ARCH"
  | "DOWNLOAD_FAILED"
  | "BAD_SIGNATURE";

export interface PreparedUpgrade {
  version: string;
  executable: string;
}

export interface PrepareInput {
  edgeUrl: string;
  store: ReleaseStore;
  ownVersion: string;
  arch: string;
  /** the release key compiled into this build; null: it cannot verify, so it does not upgrade */
  publicKey: string | null;
  /** versions not to take (automatic mode skips what was rolled back before) */
  skip?: readonly string[];
}

/**
 * Everything an upgrade does before it touches the running agent: ask the edge for its current
 * release, download this architecture's executable and its signature, check the digest against the
 * manifest and the signature against the compiled-in key, and only then move it into the store.
 * Whatever fails leaves the agent as it was, still taking jobs.
 */
export async function prepareUpgrade(
  input: PrepareInput,
): Promise<Result<PreparedUpgrade, { code: UpgradeRefusal; message: string }>> {
  const refuse = (code: UpgradeRefusal, message: string) => err({ code, message });
  if (!input.publicKey)
    return refuse(
      "UNSIGNED_BUILD",
      "this build has no release key compiled in, so it cannot verify a release",
    );
  const release = await fetchCurrentRelease(input.edgeUrl);
  if (!release.ok) return refuse("NO_RELEASE", release.error);
  const { version } = release.value;
  if (!isNewerVersion(version, input.ownVersion))
    return refuse("UP_TO_DATE", `already at ${input.ownVersion}; the edge offers ${version}`);
  if (input.skip?.includes(version))
    return refuse("SKIPPED", `${version} was rolled back before; upgrade by hand to try it again`);
  const names = releaseFileNames(version, input.arch as ReleaseArch);
  const exe = release.value.files.find((f) => f.name === names.executable && f.kind === "executable");
  const sig = release.value.files.find((f) => f.name === names.signature && f.kind === "signature");
  if (!exe || !sig)
    return refuse("NO_BUILD_FOR_ARCH", `release ${version} has no linux-${input.arch} executable`);

  const staging = input.store.staging();
  const keep = async (): Promise<Result<void, { code: UpgradeRefusal; message: string }>> => {
    for (const [file, name] of [
      [exe, EXECUTABLE],
      [sig, SIGNATURE],
    ] as const) {
      const downloaded = await downloadReleaseFile(input.edgeUrl, version, file, path.join(staging, name));
      if (!downloaded.ok) return refuse("DOWNLOAD_FAILED", downloaded.error);
    }
    const verified = await verifyExecutable(path.join(staging, EXECUTABLE), input.publicKey ?? "");
    if (!verified.ok) return refuse("BAD_SIGNATURE", `release ${version}: ${verified.error}`);
    return ok(undefined);
  };
  const kept = await keep();
  if (!kept.ok) {
    input.store.discard(staging);
    return kept;
  }
  chmodSync(path.join(staging, EXECUTABLE), 0o755);
  input.store.adopt(staging, version);
  return ok({ version, executable: input.store.executable(version) });
}

/** Checks an executable against the signature file beside it (`<file>.sig`). */
export async function verifyExecutable(file: string, publicKey: string): Promise<Result<string, string>> {
  let signature: string;
  try {
    signature = readFileSync(`${file}.sig`, "utf8");
  } catch {
    return err(`no signature file ${file}.sig`);
  }
  const digest = await sha256OfFile(file);
  return verifyDigestSignature(digest, signature, publicKey)
    ? ok(digest)
    : err("its signature does not verify with this agent's release key: refused");
}
