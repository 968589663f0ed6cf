import { readFileSync } from "node:fs";

interface Link {
  pid: number;
  ppid: number;
}

/**
 * Calls `onBroken` once when the chain of processes that started this one breaks: an ancestor exits (its
 * child is then re-parented) — the terminal, an IDE task or a test runner that ran `npm run dev` died
 * without a signal reaching us. npm and the shells between it and us survive their parent, so watching
 * only our own parent would miss it. Reads /proc (Linux); elsewhere it watches the direct parent only.
 * @returns a function that stops watching
 */
export function watchAncestry(onBroken: () => void, intervalMs = 500): () => void {
  const chain = ancestry();
  const parent = process.ppid;
  const timer = setInterval(() => {
    const broken =
      chain.length === 0 ? process.ppid !== parent : chain.some((link) => parentOf(link.pid) !== link.ppid);
    if (!broken) return;
    clearInterval(timer);
    onBroken();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Each ancestor with its parent, from ours up to (not including) init or a process without a parent. */
function ancestry(): Link[] {
  const chain: Link[] = [];
  let pid = process.pid;
  for (;;) {
    const ppid = parentOf(pid);
    if (ppid === undefined || ppid <= 1) return chain;
    chain.push({ pid, ppid });
    pid = ppid;
  }
}

/** The parent of `pid` from /proc/<pid>/stat, or undefined when it is gone or /proc is absent. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")"
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}
