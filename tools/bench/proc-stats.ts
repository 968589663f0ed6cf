import { readdir, readFile } from "node:fs/promises";

const read = (path: string) => readFile(path, "utf8").catch(() => "");

/** Direct and indirect children of `pid`, from /proc (Linux only). */
export async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    // field 4 of /proc/<pid>/stat is the parent; the command name before it may contain spaces
    const stat = await read(`/proc/${entry}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isInteger(ppid)) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Peak resident set size (VmHWM) of one process in MiB, or null when it is gone. */
export async function peakRssMib(pid: number): Promise<number | null> {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(await read(`/proc/${pid}/status`));
  return match?.[1] ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
}

/**
 * The process that runs the agent's code: the local stack's own process (`node --import tsx
 * agent/src/cli.ts run`), or, when started through the tsx CLI, the child node process tsx runs it in.
 */
export async function agentPid(launcherPid: number): Promise<number> {
  for (const pid of await descendants(launcherPid)) {
    const cmdline = (await read(`/proc/${pid}/cmdline`)).split("\0");
    if (
      cmdline.some((a) => a.endsWith("agent/src/cli.ts")) &&
      !cmdline.some((a) => a.endsWith("tsx/dist/cli.mjs"))
    )
      return pid;
  }
  return launcherPid;
}

/** Time on a CPU and time runnable but waiting for one, in ms. */
export interface SchedTimes {
  runMs: number;
  waitMs: number;
}

/**
 * Scheduler times of every thread of the processes named `comm` under `pid`, from
 * /proc/<pid>/task/<tid>/schedstat. Waiting time is what a busy machine adds to every latency.
 */
export async function schedTimes(pid: number, comm: string): Promise<SchedTimes> {
  const total: SchedTimes = { runMs: 0, waitMs: 0 };
  for (const child of await descendants(pid)) {
    const stat = await read(`/proc/${child}/stat`);
    if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== comm) continue;
    const tasks = await readdir(`/proc/${child}/task`).catch(() => []);
    for (const task of tasks) {
      const [run, wait] = (await read(`/proc/${child}/task/${task}/schedstat`)).split(" ").map(Number);
      total.runMs += (run ?? 0) / 1e6;
      total.waitMs += (wait ?? 0) / 1e6;
    }
  }
  return total;
}
