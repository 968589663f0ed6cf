import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { SourcelessWorkerOptions } from "wrangler";
import { DEMO_TENANTS, MIGRATIONS_DIR, REPO_ROOT, SEED_SQL, WRANGLER_CONFIG } from "./repo-paths.ts";

/** One D1 migration: its file name (wrangler's bookkeeping key) and its statements. */
export interface Migration {
  name: string;
  statements: string[];
}

/** What the local edge takes from wrangler.toml, wrangler and the SQL files, as plain data. */
export interface EdgeConfig {
  /** wrangler.toml's `name`: Durable Objects persist under it, as under `wrangler dev`. */
  name: string;
  /** Bindings, compatibility, assets and triggers, as wrangler maps them for Miniflare. */
  workerOptions: Omit<SourcelessWorkerOptions, "modulesRules">;
  /** wrangler.toml's `define`, for the bundler. */
  define: Record<string, string>;
  migrations: Migration[];
  /** edge/local/seed.sql, split into statements. */
  seed: string[];
  /** edge/local/tenants.json: each demo tenant as `POST /ops/tenants` takes it. */
  tenants: unknown[];
}

/** The fields of wrangler's config this module reads. */
interface WranglerConfigView {
  name: string;
  d1_databases: Array<{ binding: string; migrations_dir?: string }>;
}

// wrangler reads these beside its config for local vars and secrets
const ENV_FILES = [".dev.vars", ".env"].map((f) => path.join(REPO_ROOT, f));

/**
 * The edge's config as wrangler itself reads it (its config reader, its mapping of every binding kind to
 * Miniflare options, its SQL splitter), so a binding added to wrangler.toml works locally without a change
 * here. Loading wrangler takes seconds, so the result is cached in ~/.cache/gantry under a hash of
 * everything it is made from: wrangler.toml, .dev.vars/.env, wrangler's version, the SQL files.
 * @param assetsDir serve this directory instead of wrangler.toml's assets directory
 */
export async function loadEdgeConfig(assetsDir?: string): Promise<EdgeConfig> {
  const migrationFiles = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql")).sort();
  const hash = createHash("sha256");
  const inputs = [
    WRANGLER_CONFIG,
    ...ENV_FILES,
    SEED_SQL,
    ...migrationFiles.map((f) => path.join(MIGRATIONS_DIR, f)),
  ];
  for (const file of inputs) hash.update(`${file}\0${existsSync(file) ? await readFile(file) : ""}\0`);
  hash.update(`${await wranglerVersion()}\0${assetsDir ?? ""}`);
  const cacheFile = path.join(cacheDir(), `edge-config-${hash.digest("hex").slice(0, 16)}.json`);
  if (existsSync(cacheFile)) return JSON.parse(await readFile(cacheFile, "utf8")) as EdgeConfig;

  const config = await fromWrangler(assetsDir);
  await mkdir(path.dirname(cacheFile), { recursive: true });
  // written under a private name and renamed: a parallel start never reads half a file
  const partial = `${cacheFile}.${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(partial, JSON.stringify(config));
  await rename(partial, cacheFile);
  return config;
}

async function fromWrangler(assetsDir: string | undefined): Promise<EdgeConfig> {
  const wrangler = await import("wrangler");
  const config = wrangler.unstable_readConfig({ config: WRANGLER_CONFIG }, { hideWarnings: true });
  const { name, d1_databases }: WranglerConfigView = config;
  const { workerOptions, define } = wrangler.unstable_getMiniflareWorkerOptions(config, undefined, {
    ...(assetsDir === undefined ? {} : { overrides: { assets: { directory: assetsDir } } }),
  });
  // the Worker is bundled into one module: no rules to find others by (Miniflare 5 refuses them anyway)
  const { modulesRules: _bundled, ...options } = workerOptions;
  const split = async (file: string) =>
    wrangler.unstable_splitSqlQuery(await readFile(file, "utf8")).filter((s) => s.trim() !== "");
  const dir = path.resolve(REPO_ROOT, d1_databases.find((d) => d.binding === "DB")?.migrations_dir ?? "");
  // the cache key hashes MIGRATIONS_DIR's files, so it must be the directory wrangler.toml names
  if (dir !== MIGRATIONS_DIR)
    throw new Error(`wrangler.toml's migrations_dir is ${dir}; repo-paths.ts says ${MIGRATIONS_DIR}`);
  const migrations: Migration[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort()) {
    migrations.push({ name: file, statements: await split(path.join(dir, file)) });
  }
  return {
    name,
    workerOptions: options,
    define,
    migrations,
    seed: existsSync(SEED_SQL) ? await split(SEED_SQL) : [],
    tenants: existsSync(DEMO_TENANTS) ? JSON.parse(await readFile(DEMO_TENANTS, "utf8")) : [],
  };
}

async function wranglerVersion(): Promise<string> {
  const pkg = createRequire(import.meta.url).resolve("wrangler/package.json");
  return (JSON.parse(await readFile(pkg, "utf8")) as { version: string }).version;
}

function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "gantry");
}
