import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import agentPackage from "@gantry/agent/package.json" with { type: "json" };
import { AgentRelease, RELEASE_KEYS } from "@gantry/shared/releases/agent-release";
import { DIST_DIR, REPO_ROOT } from "./repo-paths.ts";

// Publishing a built release to an edge: its files first, then the manifest that makes it current.
// Locally (the local stack, the tests) through the dev Worker's /agent/dev/releases routes; in
// production with `wrangler r2 object put --remote` into the bucket bound as AGENT_RELEASES.

export const readRelease = (dir: string): AgentRelease =>
  AgentRelease.parse(JSON.parse(readFileSync(path.join(dir, "release.json"), "utf8")));

/** The release of the agent package's own version, if this checkout has built one. */
export function localRelease(): string | null {
  const dir = path.join(DIST_DIR, agentPackage.version);
  return existsSync(path.join(dir, "release.json")) ? dir : null;
}

/**
 * Uploads a built release to a local edge (dev Worker) and makes it current. `only` limits the files
 * (an upgrade needs the executables and signatures, not the packages); `replace` swaps a file's bytes
 * for others (a test's tampered download) while the manifest keeps the original's checksum unless
 * `manifest` is given too. `signal` calls the upload off (the local stack stops it before the edge).
 */
export async function publishToLocalEdge(
  edgeUrl: string,
  dir: string,
  options: {
    only?: (f: AgentRelease["files"][number]) => boolean;
    replace?: Map<string, Buffer>;
    manifest?: AgentRelease;
    signal?: AbortSignal;
  } = {},
): Promise<AgentRelease> {
  const release = options.manifest ?? readRelease(dir);
  const files = release.files.filter(options.only ?? (() => true));
  const signal = options.signal ?? null;
  for (const file of files) {
    const body = Uint8Array.from(options.replace?.get(file.name) ?? readFileSync(path.join(dir, file.name)));
    const res = await putWithRetry(`${edgeUrl}/agent/dev/releases/${release.version}/${file.name}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", origin: edgeUrl, "x-sha256": file.sha256 },
      body,
      signal,
    });
    if (!res.ok) throw new Error(`upload of ${file.name} failed: ${res.status} ${await res.text()}`);
  }
  const offered = { ...release, files };
  const res = await fetch(`${edgeUrl}/agent/dev/releases/current`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: edgeUrl },
    body: JSON.stringify(offered),
    signal,
  });
  if (!res.ok) throw new Error(`publishing ${release.version} failed: ${res.status} ${await res.text()}`);
  return offered;
}

/**
 * A PUT (idempotent) tried again when the connection breaks (an edge restarted under it: a 100 MB upload
 * in flight ends with EPIPE here), unless it was called off. An HTTP answer, even an error, is returned
 * as it is.
 */
async function putWithRetry(url: string, init: RequestInit, attempts = 3): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= attempts || init.signal?.aborted) throw error;
      process.stderr.write(`upload to ${url} broke off (${String(error)}); trying again\n`);
    }
  }
}

/** `npm run publish -w @gantry/release -- --dir dist/<version> [--bucket gantry-agent-releases]`: production. */
function publishRemote(dir: string, bucket: string): void {
  const release = readRelease(dir);
  const put = (key: string, file: string) =>
    execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, "node_modules/wrangler/bin/wrangler.js"),
        "r2",
        "object",
        "put",
        `${bucket}/${key}`,
        "--file",
        file,
        "--remote",
      ],
      { stdio: "inherit", cwd: REPO_ROOT },
    );
  for (const f of release.files) put(RELEASE_KEYS.file(release.version, f.name), path.join(dir, f.name));
  put(RELEASE_KEYS.manifest(release.version), path.join(dir, "release.json"));
  // last: from here on agents and the install command see this version
  put(RELEASE_KEYS.current, path.join(dir, "release.json"));
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: { dir: { type: "string" }, bucket: { type: "string", default: "gantry-agent-releases" } },
  });
  const dir = values.dir ?? localRelease();
  if (!dir) throw new Error("no release built: npm run release -w @gantry/release first, or pass --dir");
  publishRemote(path.resolve(dir), values.bucket ?? "gantry-agent-releases");
}
