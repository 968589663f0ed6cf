import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../atomic-file.ts";

/** An upgrade switched to but not yet confirmed by the new version connecting to the edge. */
const Trial = z.object({
  version: z.string(),
  /** the release `current` named before the switch; null: none, the installed executable ran */
  previous: z.string().nullable(),
  /** the executable that ran before the switch, re-executed on a rollback outside systemd */
  previousExec: z.string(),
  deadline: z.number(),
  /** starts of the new version so far (counted by the process that hands over to it) */
  starts: z.number().int().min(0),
});
export type Trial = z.infer<typeof Trial>;

const FailedVersions = z.array(z.string());

export const EXECUTABLE = "gantry-agent";
export const SIGNATURE = "gantry-agent.sig";

/**
 * The releases an agent downloaded, in its state directory (the one place its service may write):
 *
 *   releases/<version>/gantry-agent(.sig)   verified executables
 *   releases/current → <version>            the one to run, swapped by an atomic rename
 *   releases/trial.json                      a switch not yet confirmed by a connection
 *   releases/failed.json                     versions rolled back (automatic upgrades skip them)
 *
 * The installed executable (package or tarball) stays the fallback: with no `current`, it runs itself.
 */
export class ReleaseStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "releases");
  }

  executable(version: string): string {
    return path.join(this.dir, version, EXECUTABLE);
  }

  has(version: string): boolean {
    return existsSync(this.executable(version)) && existsSync(path.join(this.dir, version, SIGNATURE));
  }

  /** The release `current` names, or null when the installed executable is the one to run. */
  current(): { version: string; executable: string } | null {
    try {
      const version = readlinkSync(path.join(this.dir, "current"));
      return { version, executable: this.executable(version) };
    } catch {
      return null;
    }
  }

  /** A fresh directory to download into; `adopt` moves it into place once verified. */
  staging(): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const dir = path.join(this.dir, `.incoming-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  }

  adopt(staging: string, version: string): void {
    const target = path.join(this.dir, version);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  }

  discard(staging: string): void {
    rmSync(staging, { recursive: true, force: true });
  }

  /** Points `current` at `version` (null: at nothing) by renaming a new link over the old one. */
  point(version: string | null): void {
    const link = path.join(this.dir, "current");
    if (version === null) {
      rmSync(link, { force: true });
      return;
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${link}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(version, tmp);
    renameSync(tmp, link);
  }

  /** Switches to a verified release under trial: it must connect before `deadline` or is rolled back. */
  switchTo(version: string, trial: { previousExec: string; deadline: number }): void {
    const previous = this.current()?.version ?? null;
    this.writeTrial({
      version,
      previous,
      previousExec: trial.previousExec,
      deadline: trial.deadline,
      starts: 0,
    });
    this.point(version);
  }

  trial(): Trial | null {
    try {
      const parsed = Trial.safeParse(JSON.parse(readFileSync(this.trialFile, "utf8")));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  countStart(): Trial | null {
    const trial = this.trial();
    if (!trial) return null;
    const counted = { ...trial, starts: trial.starts + 1 };
    this.writeTrial(counted);
    return counted;
  }

  /** The new version connected: the switch stands, and releases other than it are removed. */
  confirm(version: string): boolean {
    const trial = this.trial();
    if (trial?.version !== version) return false;
    rmSync(this.trialFile, { force: true });
    for (const entry of this.entries()) {
      if (entry !== version) rmSync(path.join(this.dir, entry), { recursive: true, force: true });
    }
    return true;
  }

  /** Undoes the switch under trial: `current` names what it named before, the version is marked failed. */
  rollback(): Trial | null {
    const trial = this.trial();
    if (!trial) return null;
    this.point(trial.previous);
    const failed = new Set(this.failedVersions());
    failed.add(trial.version);
    writeFileAtomic(this.failedFile, `${JSON.stringify([...failed])}\n`, 0o600);
    rmSync(this.trialFile, { force: true });
    return trial;
  }

  failedVersions(): string[] {
    try {
      const parsed = FailedVersions.safeParse(JSON.parse(readFileSync(this.failedFile, "utf8")));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  private entries(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name);
  }

  private get trialFile() {
    return path.join(this.dir, "trial.json");
  }

  private get failedFile() {
    return path.join(this.dir, "failed.json");
  }

  private writeTrial(trial: Trial): void {
    writeFileAtomic(this.trialFile, `${JSON.stringify(trial)}\n`, 0o600);
  }
}
