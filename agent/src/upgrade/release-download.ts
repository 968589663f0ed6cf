import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AgentRelease,
  CURRENT_RELEASE_PATH,
  type ReleaseFile,
  releaseFilePath,
} from "@gantry/shared/releases/agent-release";
import { err, ok, type Result } from "@gantry/shared/result";

const MANIFEST_TIMEOUT_MS = 15_000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** The release the edge offers now; an error in a sentence when it offers none or answers nonsense. */
export async function fetchCurrentRelease(edgeUrl: string): Promise<Result<AgentRelease, string>> {
  let res: Response;
  try {
    res = await fetch(new URL(CURRENT_RELEASE_PATH, edgeUrl), {
      signal: AbortSignal.timeout(MANIFEST_TIMEOUT_MS),
    });
  } catch (error) {
    return err(`cannot reach ${edgeUrl}: ${String(error)}`);
  }
  if (res.status === 404) return err("the edge offers no agent release yet");
  if (!res.ok) return err(`the edge answered HTTP ${res.status} for the current release`);
  const parsed = AgentRelease.safeParse(await res.json().catch(() => null));
  return parsed.success ? ok(parsed.data) : err("the edge's release manifest is not valid");
}

/**
 * Downloads one release file to `dest`, hashing as it streams. Refuses more bytes than the manifest
 * says and a digest other than its own: a corrupt or truncated download is caught here, before the
 * signature is even read.
 */
export async function downloadReleaseFile(
  edgeUrl: string,
  version: string,
  file: ReleaseFile,
  dest: string,
): Promise<Result<void, string>> {
  let res: Response;
  try {
    res = await fetch(new URL(releaseFilePath(version, file.name), edgeUrl), {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
  } catch (error) {
    return err(`download of ${file.name} failed: ${String(error)}`);
  }
  if (!res.ok || !res.body) return err(`download of ${file.name} failed: HTTP ${res.status}`);
  const hash = createHash("sha256");
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > file.size) return done(new Error(`more than the ${file.size} bytes the manifest names`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as never), meter, createWriteStream(dest, { mode: 0o600 }));
  } catch (error) {
    return err(`download of ${file.name} failed: ${(error as Error).message}`);
  }
  const digest = hash.digest("hex");
  if (bytes !== file.size || digest !== file.sha256) {
    return err(`checksum mismatch for ${file.name}: expected sha256 ${file.sha256}, got ${digest}`);
  }
  return ok(undefined);
}
