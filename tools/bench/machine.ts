import { execFileSync } from "node:child_process";
import os from "node:os";
import { REPO_ROOT } from "@gantry/dev/repo-paths";

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryMib: number;
  node: string;
  platform: string;
  /** 1/5/15-minute load averages when the bench started; other work on the machine skews every figure */
  loadAverageAtStart: number[];
}

export interface GitFacts {
  commit: string;
  /** uncommitted changes in the working tree were part of what was measured */
  dirty: boolean;
}

export function machineFacts(): MachineFacts {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryMib: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function gitFacts(): GitFacts {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "HEAD"), dirty: git("status", "--porcelain").length > 0 };
  } catch {
    return { commit: "unknown", dirty: true };
  }
}
