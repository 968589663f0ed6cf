import { readFile } from "node:fs/promises";
import { ensureVcsimBinary } from "./build-binary.ts";
import { LauncherControl } from "./control.ts";
import { externalVcsim } from "./external.ts";
import type { VcsimHandle } from "./handle.ts";
import { spawnLauncher } from "./launcher-process.ts";

export interface VcsimOptions {
  /** host:port to listen on (default 127.0.0.1:0, a free port). */
  listen?: string;
  /** HTTPS with a fresh ECDSA certificate (default true). */
  tls?: boolean;
  /** Require exactly this user/password pair (default: any non-empty pair is accepted). */
  username?: string;
  password?: string;
  /** Sessions idle this long expire (default 30 min; 0 = never). */
  sessionIdleTimeoutMs?: number;
  /** Power-on until tools run and an IP appears (default 1000). */
  guestBootDelayMs?: number;
  /** How long a guest takes to act on ShutdownGuest or RebootGuest (default 300). */
  guestShutdownDelayMs?: number;
  /**
   * After booting, how long a guest reports only link-local addresses (169.254/16 and fe80::) before
   * its real one, like a guest whose DHCP answer is late (default 0: none).
   */
  guestLinkLocalMs?: number;
  /** Per-method async task durations, e.g. `{ CloneVM_Task: 2000 }`. */
  taskDelaysMs?: Record<string, number>;
  /** Template prepared at start (default /DC0/vm/ubuntu-22.04-tmpl; "" = none). */
  templatePath?: string;
  /** Plain library behaviour, no emulation (comparison runs). */
  stock?: boolean;
  /** Where cert.pem/key.pem are written (default: a temporary directory). */
  certDir?: string;
  /** Also log the library's own messages (set automatically by VCSIM_DEBUG, which echoes stderr). */
  verbose?: boolean;
  /** Always start our launcher, even when VCSIM_URL points at an external simulator. */
  requireControl?: boolean;
  /** Calls the start off: a launcher build or start in progress is stopped and the promise rejects. */
  signal?: AbortSignal;
  /**
   * A vCenter of ordinary size: VM folders (/DC0/vm/scale-NN/folder-NNNNN), resource pools under the
   * cluster, distributed portgroups and templates (/DC0/vm/scale-templates/tmpl-NNNN), besides the model.
   */
  scale?: {
    folders?: number;
    pools?: number;
    networks?: number;
    templates?: number;
    /** plain VMs (/DC0/vm/scale-vms/vm-NNNN); the first `markers` carry gantry.requestId=unowned-NNNN */
    vms?: number;
    markers?: number;
  };
}

/**
 * Starts the vcsim launcher (building it when needed) and resolves once it serves requests, or
 * returns a handle to `process.env.VCSIM_URL` unless `requireControl` is set.
 */
export async function startVcsim(options: VcsimOptions = {}): Promise<VcsimHandle> {
  const externalUrl = process.env.VCSIM_URL;
  if (externalUrl && !options.requireControl) return externalVcsim(externalUrl, options.templatePath);

  const binary = await ensureVcsimBinary(options.signal);
  const launcher = await spawnLauncher(binary, launcherArgs(options), options.signal);
  const { ready } = launcher;
  const ca = ready.certFile === undefined ? undefined : await readFile(ready.certFile, "utf8");
  return {
    url: ready.url,
    username: ready.username,
    password: ready.password,
    ...(ready.certFile === undefined ? {} : { caFile: ready.certFile }),
    ...(ready.sha256 === undefined ? {} : { sha256: ready.sha256 }),
    templatePath: ready.templatePath,
    external: false,
    control: new LauncherControl(ready.url, ca),
    stop: launcher.stop,
  };
}

function launcherArgs(options: VcsimOptions): string[] {
  const args = [`-listen=${options.listen ?? "127.0.0.1:0"}`, `-tls=${options.tls ?? true}`];
  if (options.certDir !== undefined) args.push(`-cert-dir=${options.certDir}`);
  if (options.username !== undefined || options.password !== undefined) {
    args.push(`-username=${options.username ?? ""}`, `-password=${options.password ?? ""}`);
  }
  if (options.sessionIdleTimeoutMs !== undefined) {
    args.push(`-session-idle-timeout=${options.sessionIdleTimeoutMs}ms`);
  }
  if (options.guestBootDelayMs !== undefined) args.push(`-guest-boot-delay=${options.guestBootDelayMs}ms`);
  if (options.guestLinkLocalMs !== undefined) args.push(`-guest-link-local=${options.guestLinkLocalMs}ms`);
  if (options.guestShutdownDelayMs !== undefined)
    args.push(`-guest-shutdown-delay=${options.guestShutdownDelayMs}ms`);
  if (options.taskDelaysMs !== undefined) {
    const delays = Object.entries(options.taskDelaysMs).map(([method, ms]) => `${method}=${ms}ms`);
    args.push(`-task-delay=${delays.join(",")}`);
  }
  if (options.templatePath !== undefined) args.push(`-template=${options.templatePath}`);
  if (options.stock) args.push("-stock");
  if (options.scale !== undefined) {
    const kinds = Object.entries(options.scale).map(([kind, count]) => `${kind}=${count}`);
    args.push(`-scale=${kinds.join(",")}`);
  }
  if (options.verbose || process.env.VCSIM_DEBUG) args.push("-verbose");
  return args;
}
