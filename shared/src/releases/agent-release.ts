import { z } from "zod";

// One published release of the agent: what the release tool writes next to the files it built, what the
// edge serves from its release bucket and what an agent reads before it upgrades. The files themselves
// are trusted only after the agent has checked them against the release key compiled into it.

/** `MAJOR.MINOR.PATCH` with an optional `-prerelease` (semver without build metadata). */
export const ReleaseVersion = z
  .string()
  .max(40)
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}(-[0-9A-Za-z.-]{1,20})?$/, "not a release version (1.2.3 or 1.2.3-rc.1)");
export type ReleaseVersion = z.infer<typeof ReleaseVersion>;

export const ReleaseArch = z.enum(["x64", "arm64"]);
export type ReleaseArch = z.infer<typeof ReleaseArch>;

/** A file of a release; names are plain (no path), so they are safe as the last part of an object key. */
export const ReleaseFileName = z
  .string()
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]*$/, "not a release file name");

export const ReleaseFile = z.object({
  name: ReleaseFileName,
  kind: z.enum(["executable", "signature", "deb", "tarball", "checksums"]),
  /** absent for files that serve every architecture (the checksums and their signature) */
  arch: ReleaseArch.optional(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ReleaseFile = z.infer<typeof ReleaseFile>;

export const AgentRelease = z.object({
  version: ReleaseVersion,
  publishedAt: z.string().datetime(),
  files: z.array(ReleaseFile).min(1).max(40),
});
export type AgentRelease = z.infer<typeof AgentRelease>;

/** File names of a release, one place for the release tool, the edge and the agent. */
export const releaseFileNames = (version: string, arch: ReleaseArch) => ({
  executable: `gantry-agent-${version}-linux-${arch}`,
  signature: `gantry-agent-${version}-linux-${arch}.sig`,
  deb: `gantry-agent_${debianVersion(version)}_${DEBIAN_ARCH[arch]}.deb`,
  tarball: `gantry-agent-${version}-linux-${arch}.tar.gz`,
});
export const CHECKSUMS_FILE = "SHA256SUMS";
export const CHECKSUMS_SIGNATURE_FILE = "SHA256SUMS.sig";

export const DEBIAN_ARCH: Record<ReleaseArch, string> = { x64: "amd64", arm64: "arm64" };

/** Debian sorts `~` before anything, so 1.2.0~rc.1 < 1.2.0 as semver has it. */
export const debianVersion = (version: string) => version.replace("-", "~");

/** Object keys in the edge's release bucket: one folder per version and a pointer to the current one. */
export const RELEASE_KEYS = {
  current: "agent/current.json",
  manifest: (version: string) => `agent/${version}/release.json`,
  file: (version: string, name: string) => `agent/${version}/${name}`,
};

/** Where an agent downloads a release file from the edge. */
export const releaseFilePath = (version: string, name: string) =>
  `/agent/releases/${encodeURIComponent(version)}/${encodeURIComponent(name)}`;
export const CURRENT_RELEASE_PATH = "/agent/releases/current";
