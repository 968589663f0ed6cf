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

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux we run on
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) used so far by the processes named `comm` under `pid`, in ms. */
export async function cpuMs(pid: number, comm: string): Promise<number> {
  let ticks = 0;
  for (const child of await descendants(pid)) {
    const stat = await read(`/proc/${child}/stat`);
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    if (name !== comm) continue;
    // fields 14 and 15 of the stat line; after ") " the third field is number 3
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
