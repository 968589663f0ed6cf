import path from "node:path";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
/** Releases land in dist/<version>/; the test builds name theirs in dist/test-builds.json. */
export const DIST_DIR = path.join(import.meta.dirname, "dist");
/** Local-only state of the release tool: the development key and downloaded Node builds (git-ignored). */
export const LOCAL_DIR = path.join(REPO_ROOT, ".gantry/release");
