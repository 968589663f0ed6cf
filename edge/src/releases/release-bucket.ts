import {
  AgentRelease,
  RELEASE_KEYS,
  ReleaseFileName,
  ReleaseVersion,
} from "@gantry/shared/releases/agent-release";

// The agent releases in R2 (binding AGENT_RELEASES): agent/<version>/<file>, each version's
// release.json and agent/current.json naming the one offered. Only this module knows the keys.

/** The current release is read once a minute per isolate: every agents list and download asks for it. */
const CACHE_MS = 60_000;
let cached: { bucket: R2Bucket; at: number; release: AgentRelease | null } | null = null;

export async function currentRelease(bucket: R2Bucket, now = Date.now()): Promise<AgentRelease | null> {
  if (cached && cached.bucket === bucket && now - cached.at < CACHE_MS) return cached.release;
  const object = await bucket.get(RELEASE_KEYS.current);
  const parsed = object ? AgentRelease.safeParse(await object.json().catch(() => null)) : null;
  const release = parsed?.success ? parsed.data : null;
  cached = { bucket, at: now, release };
  return release;
}

/** A file of a release, or null for a version or name that is not one (never a key outside agent/<version>/). */
export async function releaseObject(
  bucket: R2Bucket,
  version: string,
  name: string,
): Promise<R2ObjectBody | null> {
  if (!ReleaseVersion.safeParse(version).success || !ReleaseFileName.safeParse(name).success) return null;
  return bucket.get(RELEASE_KEYS.file(version, name));
}

/** Stores one file of a release (publishing uploads the files first, then `offerRelease`). */
export async function storeReleaseFile(
  bucket: R2Bucket,
  input: { version: string; name: string; body: ReadableStream | ArrayBuffer; sha256: string },
): Promise<void> {
  await bucket.put(RELEASE_KEYS.file(input.version, input.name), input.body, {
    sha256: input.sha256,
    httpMetadata: { contentType: "application/octet-stream" },
  });
}

/** Makes a release (whose files are stored) the current one; returns the names of files still missing. */
export async function offerRelease(bucket: R2Bucket, release: AgentRelease): Promise<string[]> {
  const heads = await Promise.all(
    release.files.map((f) => bucket.head(RELEASE_KEYS.file(release.version, f.name))),
  );
  const missing = release.files.filter((f, i) => heads[i]?.size !== f.size).map((f) => f.name);
  if (missing.length > 0) return missing;
  const body = JSON.stringify(release);
  await bucket.put(RELEASE_KEYS.manifest(release.version), body);
  await bucket.put(RELEASE_KEYS.current, body);
  cached = null;
  return [];
}
