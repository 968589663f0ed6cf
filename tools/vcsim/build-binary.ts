import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { access, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildOnce, isExecutable } from "./build-lock.ts";

const run = promisify(execFile);

const LAUNCHER_DIR = fileURLToPath(new URL("./launcher", import.meta.url));
// Debian's golang-github-vmware-govmomi-dev puts the library here; we build in GOPATH mode against it
const GOPATH = "/usr/share/gocode";
const GOVMOMI_SIMULATOR = `${GOPATH}/src/github.com/vmware/govmomi/simulator`;
const APT_PACKAGES = ["golang-go", "golang-github-vmware-govmomi-dev"];

/**
 * Returns the path of the compiled vcsim launcher, building it when the cache has no binary for the
 * current launcher sources. Installs Go and govmomi with apt-get when they are missing and we are root.
 * @throws when Go or govmomi is missing and cannot be installed, or when the build fails.
 */
export async function ensureVcsimBinary(signal?: AbortSignal): Promise<string> {
  const binary = path.join(cacheDir(), `vcsim-${await sourceHash()}`);
  if (await isExecutable(binary)) return binary;

  const go = await ensureToolchain();
  signal?.throwIfAborted();
  await mkdir(path.dirname(binary), { recursive: true });
  await buildOnce(binary, () => build(go, binary, signal), signal);
  await pruneOldBinaries(path.dirname(binary), binary);
  return binary;
}

const PRUNE_AFTER_MS = 7 * 24 * 3600_000;

/** Removes launcher builds of old sources nobody has rebuilt for a week (other checkouts may still use newer ones). */
async function pruneOldBinaries(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    const file = path.join(dir, name);
    if (!/^vcsim-[0-9a-f]{16}$/.test(name) || file === keep) continue;
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > PRUNE_AFTER_MS) await rm(file, { force: true });
  }
}

/** `go build`; aborting kills the compiler (the partial file is removed). */
async function build(go: string, binary: string, signal?: AbortSignal): Promise<void> {
  // build under a private name and rename: nobody ever runs a half-written file
  const partial = `${binary}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await run(go, ["build", "-o", partial, "."], {
      cwd: LAUNCHER_DIR,
      env: { ...process.env, GO111MODULE: "off", GOPATH, GOFLAGS: "" },
      maxBuffer: 16 * 1024 * 1024,
      ...(signal === undefined ? {} : { signal }),
    });
    await rename(partial, binary);
  } catch (error) {
    await rm(partial, { force: true });
    throw new Error(`building the vcsim launcher failed: ${describe(error)}`, { cause: error });
  }
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "gantry");
}

/** First 16 hex digits of a SHA-256 over the launcher's Go sources (names and contents). */
async function sourceHash(): Promise<string> {
  const names = (await readdir(LAUNCHER_DIR)).filter((n) => n.endsWith(".go")).sort();
  const hash = createHash("sha256");
  for (const name of names) {
    hash.update(`${name}\0`);
    hash.update(await readFile(path.join(LAUNCHER_DIR, name)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Finds `go` and the govmomi sources, installing both with apt-get when we may. */
async function ensureToolchain(): Promise<string> {
  const found = await findGo();
  if (found && (await exists(GOVMOMI_SIMULATOR))) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the vcsim launcher needs Go and govmomi: install them with \`sudo apt-get install ${APT_PACKAGES.join(" ")}\`` +
        ` (missing: ${found ? "" : "go "}${(await exists(GOVMOMI_SIMULATOR)) ? "" : GOVMOMI_SIMULATOR})`,
    );
  }
  await aptInstall();
  const go = await findGo();
  if (!go || !(await exists(GOVMOMI_SIMULATOR))) {
    throw new Error(
      `apt-get installed ${APT_PACKAGES.join(" ")} but go or ${GOVMOMI_SIMULATOR} is still missing`,
    );
  }
  return go;
}

async function aptInstall(): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    run("apt-get", ["install", "-y", "--no-install-recommends", ...APT_PACKAGES], { env });
  try {
    await install();
  } catch {
    // a fresh container has no package lists yet
    await run("apt-get", ["update"], { env });
    await install();
  }
}

async function findGo(): Promise<string | undefined> {
  for (const candidate of ["go", "/usr/lib/go/bin/go", "/usr/local/go/bin/go"]) {
    try {
      await run(candidate, ["version"]);
      return candidate;
    } catch {
      // try the next location
    }
  }
  return undefined;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function describe(error: unknown): string {
  if (
    error &&
    typeof error === "object" &&
    "stderr" in error &&
    typeof error.stderr === "string" &&
    error.stderr
  ) {
    return error.stderr.trim();
  }
  return error instanceof Error ? error.message : String(error);
}
