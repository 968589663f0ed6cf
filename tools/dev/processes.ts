import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A child process of the local stack: its output is line-buffered, prefixed and awaitable. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the first output line matching `pattern`; rejects on timeout or early exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Settles once the process is gone, with its exit code or the signal that ended it. */
  readonly ended: Promise<ProcessExit>;
  /** The last lines of output, for error messages. */
  tail(): string;
  /** Sends `signal` unless the process is gone. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface ProcessExit {
  /** null when a signal ended it */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Print each line as `[name] line` to our stdout. */
  echo?: boolean;
  /** Stops the process (SIGTERM, then SIGKILL) when aborted: a start-up that is called off. */
  signal?: AbortSignal;
}

const TAIL_LINES = 40;

/**
 * Spawns a child in our own process group, so that whoever ends this process's group ends it too. The
 * local stack's owner runs in a group of its own (see dev.ts), which a terminal's Ctrl-C never reaches:
 * the owner alone decides when and in what order its children stop.
 */
export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
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
  const ended = new Promise<ProcessExit>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
    child.on("error", () => resolve({ code: -1, signal: null }));
  });
  const exited = ended.then((exit) => exit.code);
  const tail = () => recent.join("\n");
  const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;

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
      void ended.then((exit) => {
        if (!watchers.has(watcher)) return;
        done();
        reject(new Error(`${options.name} ${describeExit(exit)} before printing ${pattern}\n${tail()}`));
      });
    });

  const signal = (name: NodeJS.Signals) => {
    if (!gone()) child.kill(name);
  };
  const stop = async (graceMs = 5000) => {
    if (gone()) return;
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    await ended;
    clearTimeout(timer);
  };
  if (options.signal) {
    const onAbort = () => void stop();
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    void ended.then(() => options.signal?.removeEventListener("abort", onAbort));
  }

  return { name: options.name, child, waitFor, exited, ended, tail, signal, stop };
}

/** "exited 1", "was killed by SIGKILL": for log lines and errors. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `was ended by ${exit.signal}` : `exited ${exit.code}`;
}

/** Runs a command to completion; rejects with its output tail on a non-zero exit. */
export async function runToCompletion(options: SpawnOptions): Promise<string> {
  const proc = spawnManaged(options);
  const exit = await proc.ended;
  options.signal?.throwIfAborted();
  if (exit.code !== 0) throw new Error(`${options.name} ${describeExit(exit)}\n${proc.tail()}`);
  return proc.tail();
}
