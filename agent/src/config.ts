import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { err, ok, type Result } from "@gantry/shared/result";
import { z } from "zod";
import { PlacementAllowlist } from "./provisioning/allowlist.ts";

export const DEFAULT_CONFIG_FILE = "/etc/gantry-agent/config.json";

const Port = z.coerce.number().int().min(0).max(65_535);
const Millis = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const VcenterSection = z.object({
  url: z.url({ protocol: /^https?$/ }),
  username: z.string().min(1),
  /** Never in the config file itself: a 0600 file, or systemd's LoadCredential= (`vcenter-password`). */
  passwordFile: z.string().min(1).optional(),
  caFile: z.string().min(1).optional(),
  thumbprintSha256: z.string().optional(),
  insecure: z.boolean().optional(),
  apiVersion: z.string().optional(),
});

/** The agent's configuration: a JSON file, then `GANTRY_*` environment variables on top. */
export const AgentConfig = z.object({
  /** Normally taken from the state file written by `enroll`; set here to override. */
  edgeUrl: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Lets the agent talk to an edge that is not on this machine over plain http (the credential then
   * travels in clear text); logged loudly at every start. Off: https, or loopback, only.
   */
  allowInsecureEdge: z
    .union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")])
    .default(false),
  stateDir: z.string().min(1).default("/var/lib/gantry-agent"),
  concurrency: z.coerce.number().int().min(1).max(16).default(2),
  /** How long SIGTERM waits for running jobs before releasing them to the queue. */
  gracePeriodMs: Millis(0, 3_600_000).default(300_000),
  health: z.object({ host: z.string().default("127.0.0.1"), port: Port.default(9465) }).prefault({}),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  vcenter: VcenterSection.optional(),
  reconnect: z
    .object({
      baseMs: Millis(10, 60_000).default(1000),
      capMs: Millis(10, 600_000).default(30_000),
      minUptimeMs: Millis(0, 3_600_000).default(60_000),
    })
    .prefault({}),
  outboxLimit: z.coerce.number().int().min(10).max(100_000).default(1000),
  /**
   * Pins where this agent may place VMs, whatever the edge sends: inventory path prefixes per kind
   * (datacenters, templates, folders, pools, datastores, networks). A job outside it fails at once,
   * not retried, with PLACEMENT_NOT_ALLOWED. Absent: the edge's site settings decide alone.
   */
  allowlist: PlacementAllowlist.optional(),
  /** Provisioning retries after a transient vCenter fault: `attempts` in all, waits of baseMs × 2ⁿ up to capMs. */
  retry: z
    .object({
      attempts: z.coerce.number().int().min(1).max(20).default(5),
      baseMs: Millis(1, 600_000).default(10_000),
      capMs: Millis(1, 600_000).default(120_000),
    })
    .refine((r) => r.capMs >= r.baseMs, { message: "must be at least retry.baseMs", path: ["capMs"] })
    .prefault({}),
  /**
   * The drift watch: changes made in vCenter to Gantry's VMs behind Gantry's back, reported to the edge.
   * One long poll; after a change it waits `minIntervalMs` before asking again, so changes are batched.
   */
  drift: z
    .object({
      enabled: z.boolean().default(true),
      minIntervalMs: Millis(50, 600_000).default(10_000),
      maxWaitSeconds: z.coerce.number().int().min(1).max(600).default(60),
    })
    .prefault({}),
  /**
   * Every wait on vCenter has a deadline; past it the job fails TIMED_OUT and what it built is removed.
   * `networkMs` is the exception: past it the VM is ready without an address (and a warning). A watch
   * silent for `quietMs` reads its objects once more, in case an update was lost.
   */
  waits: z
    .object({
      cloneMs: Millis(1000, 86_400_000).default(60 * 60_000),
      reconfigureMs: Millis(1000, 86_400_000).default(10 * 60_000),
      powerOnMs: Millis(1000, 86_400_000).default(10 * 60_000),
      networkMs: Millis(0, 86_400_000).default(120_000),
      cleanupMs: Millis(1000, 86_400_000).default(120_000),
      quietMs: Millis(0, 3_600_000).default(60_000),
    })
    .prefault({}),
  /**
   * Upgrades from the edge's current release (always verified against the release key compiled in).
   * `gantry-agent upgrade` asks for one; `automatic` also checks every `checkIntervalMs`. A new version
   * that has not connected within `connectDeadlineMs` is rolled back.
   */
  upgrade: z
    .object({
      automatic: z.union([z.boolean(), z.stringbool()]).default(false),
      checkIntervalMs: Millis(60_000, 7 * 86_400_000).default(3_600_000),
      connectDeadlineMs: Millis(5_000, 3_600_000).default(120_000),
    })
    .prefault({}),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export interface LoadedConfig {
  config: AgentConfig;
  /** The vCenter password, read from its file; never logged. */
  vcenterPassword: string | null;
}

const ENV_PATHS: Record<string, string[]> = {
  GANTRY_EDGE_URL: ["edgeUrl"],
  GANTRY_ALLOW_INSECURE_EDGE: ["allowInsecureEdge"],
  GANTRY_STATE_DIR: ["stateDir"],
  GANTRY_CONCURRENCY: ["concurrency"],
  GANTRY_GRACE_PERIOD_MS: ["gracePeriodMs"],
  GANTRY_HEALTH_HOST: ["health", "host"],
  GANTRY_HEALTH_PORT: ["health", "port"],
  GANTRY_LOG_LEVEL: ["logLevel"],
  GANTRY_VCENTER_URL: ["vcenter", "url"],
  GANTRY_VCENTER_USERNAME: ["vcenter", "username"],
  GANTRY_VCENTER_PASSWORD_FILE: ["vcenter", "passwordFile"],
  GANTRY_VCENTER_CA_FILE: ["vcenter", "caFile"],
  GANTRY_RECONNECT_BASE_MS: ["reconnect", "baseMs"],
  GANTRY_RECONNECT_CAP_MS: ["reconnect", "capMs"],
  GANTRY_RECONNECT_MIN_UPTIME_MS: ["reconnect", "minUptimeMs"],
  GANTRY_RETRY_ATTEMPTS: ["retry", "attempts"],
  GANTRY_RETRY_BASE_MS: ["retry", "baseMs"],
  GANTRY_RETRY_CAP_MS: ["retry", "capMs"],
  GANTRY_DRIFT_MIN_INTERVAL_MS: ["drift", "minIntervalMs"],
  GANTRY_WAIT_CLONE_MS: ["waits", "cloneMs"],
  GANTRY_WAIT_RECONFIGURE_MS: ["waits", "reconfigureMs"],
  GANTRY_WAIT_POWER_ON_MS: ["waits", "powerOnMs"],
  GANTRY_WAIT_NETWORK_MS: ["waits", "networkMs"],
  GANTRY_WAIT_CLEANUP_MS: ["waits", "cleanupMs"],
  GANTRY_WAIT_QUIET_MS: ["waits", "quietMs"],
  GANTRY_UPGRADE_AUTOMATIC: ["upgrade", "automatic"],
  GANTRY_UPGRADE_CONNECT_DEADLINE_MS: ["upgrade", "connectDeadlineMs"],
};

function setPath(target: Record<string, unknown>, keys: string[], value: string): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === "object" && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1);
  if (last) node[last] = value;
}

/**
 * The vCenter password. systemd's credential ($CREDENTIALS_DIRECTORY/vcenter-password, from
 * LoadCredential=) wins over `passwordFile`: under the unit, `passwordFile` names the root-only file
 * systemd reads for us, which the service user cannot open (EACCES, and a restart every 5 s).
 */
function readPassword(config: AgentConfig, env: NodeJS.ProcessEnv): Result<string | null, string> {
  if (!config.vcenter) return ok(null);
  const fromSystemd = env.CREDENTIALS_DIRECTORY
    ? path.join(env.CREDENTIALS_DIRECTORY, "vcenter-password")
    : null;
  const file = fromSystemd && existsSync(fromSystemd) ? fromSystemd : (config.vcenter.passwordFile ?? null);
  if (!file) {
    return err("vcenter.passwordFile: required (or LoadCredential=vcenter-password:<file> under systemd)");
  }
  try {
    const password = readFileSync(file, "utf8").trim();
    return password ? ok(password) : err(`vcenter.passwordFile: ${file} is empty`);
  } catch (e) {
    return err(`vcenter.passwordFile: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/**
 * Reads the file (if any), applies the environment, validates once and reports every bad field at once.
 * @param input.file an explicit path must exist; the default path may be absent.
 */
export function loadConfig(input: { file?: string; env: NodeJS.ProcessEnv }): Result<LoadedConfig, string[]> {
  const file = input.file ?? input.env.GANTRY_AGENT_CONFIG ?? DEFAULT_CONFIG_FILE;
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        return err([`${file}: not a JSON object`]);
      raw = { ...parsed };
    } catch (e) {
      return err([`${file}: ${(e as Error).message}`]);
    }
  } else if (input.file ?? input.env.GANTRY_AGENT_CONFIG) {
    return err([`${file}: no such file`]);
  }
  for (const [name, keys] of Object.entries(ENV_PATHS)) {
    const value = input.env[name];
    if (value !== undefined && value !== "") setPath(raw, keys, value);
  }
  const parsed = AgentConfig.safeParse(raw);
  if (!parsed.success) {
    return err(parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`));
  }
  const password = readPassword(parsed.data, input.env);
  if (!password.ok) return err([password.error]);
  return ok({ config: parsed.data, vcenterPassword: password.value });
}
