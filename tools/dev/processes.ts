import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A child process of the local stack: its output is line-buffered, prefixed and awaitable. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the first output line matching `pattern`; rejects on timeout or early exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last lines of output, for error messages. */
  tail(): string;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Print each line as `[name] line` to our stdout. */
  echo?: boolean;
  /** Keep stdin open: some children (our vcsim launcher) exit when it closes, so they never outlive us. */
  keepStdin?: boolean;
}

const TAIL_LINES = 40;

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  // a process group of its own, so stop() also reaches grandchildren (wrangler starts workerd)
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.keepStdin ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
  });
  const recent: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > TAIL_LINES) recent.shift();
    if (options.echo) process.stdout.write(`[${options.name}] ${line}\n`);
    for (const w of watchers) w(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", onLine);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", () => resolve(-1));
  });
  const tail = () => recent.join("\n");

  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        watchers.delete(watcher);
      };
      const watcher = (line: string) => {
        const m = line.match(pattern);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${options.name}: no line matching ${pattern} within ${timeoutMs} ms\n${tail()}`));
      }, timeoutMs);
      watchers.add(watcher);
      for (const line of recent) watcher(line);
      void exited.then((code) => {
        if (!watchers.has(watcher)) return;
        done();
        reject(new Error(`${options.name} exited (${code}) before printing ${pattern}\n${tail()}`));
      });
    });

  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    signalGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };

  return { name: options.name, child, waitFor, exited, tail, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Runs a command to completion; rejects with its output tail on a non-zero exit. */
export async function runToCompletion(options: SpawnOptions): Promise<string> {
  const proc = spawnManaged(options);
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${options.name} failed with exit code ${code}\n${proc.tail()}`);
  return proc.tail();
}
