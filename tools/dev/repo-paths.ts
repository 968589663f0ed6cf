import path from "node:path";

/** Paths of the repository that the local stack drives as black boxes (processes and bundles, not imports). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const WRANGLER_CONFIG = path.join(REPO_ROOT, "wrangler.toml");
/** The Worker the local stack runs: the production Worker plus the dev-only routes. */
export const DEV_WORKER = path.join(REPO_ROOT, "edge/dev/dev-worker.ts");
export const VITE_BIN = path.join(REPO_ROOT, "node_modules/vite/bin/vite.js");
export const MIGRATIONS_DIR = path.join(REPO_ROOT, "edge/migrations");
export const SEED_SQL = path.join(REPO_ROOT, "edge/local/seed.sql");
/** The demo tenants, onboarded through the operator path (`POST /ops/tenants`) before the seed. */
export const DEMO_TENANTS = path.join(REPO_ROOT, "edge/local/tenants.json");
export const WEB_DIR = path.join(REPO_ROOT, "web");
export const AGENT_CLI = path.join(REPO_ROOT, "agent/src/cli.ts");
/** The agent's build script (esbuild: one bundle in agent/dist) and the installed command that runs that bundle. */
export const AGENT_BUILD = path.join(REPO_ROOT, "agent/build.ts");
export const AGENT_BIN = path.join(REPO_ROOT, "agent/bin/gantry-agent.mjs");
