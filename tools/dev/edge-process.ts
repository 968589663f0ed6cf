import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port.ts";
import { type ManagedProcess, runToCompletion, spawnManaged } from "./processes.ts";
import { REPO_ROOT, SEED_SQL, WRANGLER_BIN, WRANGLER_CONFIG } from "./repo-paths.ts";

export interface EdgeProcessOptions {
  /** Local D1/DO state lives here; a fresh directory gives a fresh product. */
  persistTo: string;
  port?: number;
  /** Extra Worker vars (`--var`); DEV_LOGIN and SESSION_SECRET are set for the local stack. */
  vars?: Record<string, string>;
  /** Serve this web build instead of wrangler.toml's `web/dist` (same SPA routing and worker-first routes). */
  assetsDir?: string;
  seed?: boolean;
  /** Apply migrations and seed first (default true); false when the caller has prepared the state. */
  prepare?: boolean;
  echo?: boolean;
  /**
   * Miniflare's local explorer and its trace recorder, which stores every request and D1 call as spans
   * (18 MB a minute and a fifth of the edge's CPU under the bench's load). On for `npm run dev`, where a
   * developer may browse them; off (the default) where we test or measure the product itself.
   */
  devTools?: boolean;
}

export interface EdgeProcess {
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * The Worker `wrangler dev` serves: the dev entry, which wraps the production Worker (wrangler.toml's
 * `main`) and adds the dev-only routes (`/agent/dev/*`, the bench's hooks) that production never bundles.
 */
const WORKER_SCRIPT: readonly string[] = [path.join(REPO_ROOT, "edge/dev/dev-worker.ts")];

// wrangler asks before applying migrations unless it believes it runs in CI, and phones home otherwise
const wranglerEnv = (devTools = false): NodeJS.ProcessEnv => ({
  ...process.env,
  CI: "1",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_LOG: process.env.WRANGLER_LOG ?? "info",
  X_LOCAL_EXPLORER: String(devTools),
  X_LOCAL_OBSERVABILITY: String(devTools),
});

function wrangler(name: string, args: readonly string[], echo: boolean) {
  return runToCompletion({
    name,
    command: process.execPath,
    args: [WRANGLER_BIN, ...args, "--config", WRANGLER_CONFIG],
    cwd: REPO_ROOT,
    env: wranglerEnv(),
    echo,
  });
}

/**
 * Applies the D1 migrations, then the demo seed and any `extraSql` in one `d1 execute` (each wrangler
 * run costs seconds). Idempotent when `extraSql` is.
 */
export async function prepareEdgeState(options: {
  persistTo: string;
  seed?: boolean;
  extraSql?: string;
  echo?: boolean;
}) {
  const echo = options.echo ?? false;
  const local = ["--local", "--persist-to", options.persistTo];
  await wrangler("d1-migrate", ["d1", "migrations", "apply", "DB", ...local], echo);
  const seed = (options.seed ?? true) && existsSync(SEED_SQL) ? readFileSync(SEED_SQL, "utf8") : "";
  const sql = [seed, options.extraSql ?? ""].filter((s) => s.trim() !== "").join("\n");
  if (sql === "") return;
  const dir = mkdtempSync(path.join(tmpdir(), "gantry-seed-"));
  const file = path.join(dir, "seed.sql");
  writeFileSync(file, sql);
  try {
    await wrangler("d1-seed", ["d1", "execute", "DB", ...local, "--file", file, "--yes"], echo);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `wrangler dev` (Miniflare on workerd) serving the Worker, its D1 and Durable Objects, and the SPA. */
export async function startEdgeProcess(options: EdgeProcessOptions): Promise<EdgeProcess> {
  if (options.prepare ?? true) await prepareEdgeState(options);
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const vars: Record<string, string> = {
    ALLOWED_ORIGINS: `${origin},http://localhost:${port}`,
    DEV_LOGIN: "on",
    SESSION_SECRET: "local-stack-session-secret-not-for-production",
    ...options.vars,
  };
  const proc = spawnManaged({
    name: "edge",
    command: process.execPath,
    args: [
      WRANGLER_BIN,
      "dev",
      ...WORKER_SCRIPT,
      "--config",
      WRANGLER_CONFIG,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      options.persistTo,
      "--show-interactive-dev-session=false",
      ...(options.assetsDir === undefined ? [] : ["--assets", options.assetsDir]),
      ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    ],
    cwd: REPO_ROOT,
    env: wranglerEnv(options.devTools),
    echo: options.echo ?? false,
  });
  try {
    await proc.waitFor(/Ready on http:\/\/[\d.]+:\d+/, 90_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url: origin, port, process: proc, stop: () => proc.stop() };
}
