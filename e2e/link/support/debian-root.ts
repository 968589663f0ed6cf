import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ManagedProcess, spawnManaged } from "@gantry/dev/processes";

/**
 * What the fresh host has besides Debian's minbase (the essential packages and apt, as on every Debian
 * host): curl for the install command, sudo as the Agents page writes the commands, and systemd (not
 * running: its `systemd-analyze verify` checks the installed unit). No Node, npm or build tools.
 */
const HOST_PACKAGES = ["curl", "ca-certificates", "sudo", "systemd"];

/** A login shell's environment: nothing of this test process (PATH, NODE_OPTIONS) leaks into the host. */
const HOST_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/root",
  LANG: "C.UTF-8",
};

/**
 * Where `npm run debian-root -w @gantry/e2e` leaves a root made ahead of the test (turbo runs it at the
 * start of `npm test`, beside everything else, since it is minutes of mostly download); a root appears
 * here only complete (made beside it, then renamed into place).
 */
export const PREPARED_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../.gantry/debian-root/prepared",
);

export interface ShellResult {
  code: number | null;
  output: string;
}

/**
 * A fresh Debian bookworm host as a directory: `mmdebstrap --variant=minbase` from Debian's mirror
 * plus HOST_PACKAGES. (Leaving out docs with path-exclude= would cost time, not save it: mmdebstrap
 * then filters every archive through a script.) Commands run in it as
 * root through `unshare --mount` + `chroot`, with /proc mounted in that namespace only (nothing is
 * mounted on this machine, so removing the directory is safe). It shares this machine's network, so
 * the host reaches the test's edge and VCSIM on 127.0.0.1. systemd is installed but not running (a chroot
 * has no PID 1): whatever needs it running is said where it is done instead. Needs root (CI and the development machines run as root).
 */
export class DebianRoot {
  private constructor(
    private readonly dir: string,
    /** the host's / on this machine */
    readonly root: string,
  ) {}

  /**
   * The root `npm run debian-root` prepared, taken over by this test (moved away, so it serves one test
   * only and is never seen half-used), or else a fresh one made now.
   */
  static async obtain(options: { signal?: AbortSignal } = {}): Promise<DebianRoot> {
    // beside the prepared root: a rename never crosses file systems
    const parent = path.dirname(PREPARED_ROOT);
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(path.join(parent, "gantry-debian-"));
    const root = path.join(dir, "root");
    try {
      renameSync(PREPARED_ROOT, root);
      return new DebianRoot(dir, root);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      return DebianRoot.create(options);
    }
  }

  /** Makes the prepared root (`npm run debian-root`): beside its place, then renamed into it. */
  static async prepare(): Promise<void> {
    const parent = path.dirname(PREPARED_ROOT);
    mkdirSync(parent, { recursive: true });
    const made = await DebianRoot.create({ parent });
    rmSync(PREPARED_ROOT, { recursive: true, force: true });
    renameSync(made.root, PREPARED_ROOT);
    made.remove();
  }

  static async create(
    options: { mirror?: string; signal?: AbortSignal; parent?: string } = {},
  ): Promise<DebianRoot> {
    if (process.getuid?.() !== 0)
      throw new Error("a fresh Debian root needs root (mmdebstrap, unshare, chroot); CI runs as root");
    const dir = mkdtempSync(path.join(options.parent ?? tmpdir(), "gantry-debian-"));
    const root = path.join(dir, "root");
    const mirror = options.mirror ?? process.env.GANTRY_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
    const proc = spawnManaged({
      name: "mmdebstrap",
      command: "mmdebstrap",
      args: [
        "--variant=minbase",
        `--include=${HOST_PACKAGES.join(",")}`,
        "--dpkgopt=force-unsafe-io",
        '--aptopt=Acquire::Languages "none"',
        "bookworm",
        root,
        mirror,
      ],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const exit = await proc.ended;
    if (exit.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mmdebstrap failed (${JSON.stringify(exit)}):\n${proc.tail()}`);
    }
    return new DebianRoot(dir, root);
  }

  /** A path inside the host, as this machine sees it. */
  path(inside: string): string {
    return path.join(this.root, inside);
  }

  /**
   * Starts `/bin/sh -c script` inside the host as root, `args` as its "$@" (unquoted values stay
   * out of the script's text).
   */
  spawn(name: string, script: string, args: readonly string[] = []): ManagedProcess {
    return spawnManaged({
      name,
      command: "unshare",
      args: [
        "--mount",
        "--propagation",
        "private",
        "/bin/sh",
        "-c",
        'mount -t proc proc "$1/proc" && exec chroot "$@"',
        "sh",
        this.root,
        "/bin/sh",
        "-c",
        script,
        "sh",
        ...args,
      ],
      env: HOST_ENV,
    });
  }

  /** Runs `script` inside the host to its end, as an operator's root shell would. */
  async sh(script: string, args: readonly string[] = []): Promise<ShellResult> {
    const proc = this.spawn(script.split(" ")[0] ?? "sh", script, args);
    const code = await proc.exited;
    return { code, output: proc.tail() };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
