import { readdirSync, readFileSync } from "node:fs";

/** A process as /proc shows it; `started` (clock ticks after boot) tells it apart from a later one with its pid. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  started: number;
  command: string;
}

function entry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces, so count fields after the last ")"
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // a zombie has exited; its parent just has not reaped it yet
    if (fields[0] === "Z") return undefined;
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return { pid, ppid: Number(fields[1]), started: Number(fields[19]), command };
  } catch {
    return undefined;
  }
}

/** Every live process under `root` (children, their children, ...), from one pass over /proc. */
export function descendantsOf(root: number): ProcessEntry[] {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => entry(Number(name)))
    .filter((e): e is ProcessEntry => e !== undefined);
  const found: ProcessEntry[] = [];
  const walk = (pid: number) => {
    for (const child of all.filter((e) => e.ppid === pid)) {
      found.push(child);
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

/** Whether the very process seen earlier still runs (same pid and start time, not a zombie). */
export function stillRunning(seen: ProcessEntry): boolean {
  return entry(seen.pid)?.started === seen.started;
}
