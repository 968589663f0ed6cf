import { type ChildProcess, spawn } from "node:child_process";
import { Socket } from "node:net";
import { createInterface } from "node:readline";
import { ReadyLine } from "./ready-line.ts";

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 30;

export interface LauncherProcess {
  readonly ready: ReadyLine;
  stop(): Promise<void>;
}

/**
 * Spawns the launcher and resolves once it printed its ready line. stdin stays an open pipe: the
 * launcher exits when it closes, so a parent that dies (even by SIGKILL) never leaks a simulator.
 * It runs in a process group of its own, so a Ctrl-C in the terminal reaches only its parent, which
 * stops it when it chooses: the local stack stops it last, after the agents that still talk to it.
 * Aborting `signal` before it is ready kills it and rejects.
 */
export async function spawnLauncher(
  binary: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<LauncherProcess> {
  signal?.throwIfAborted();
  const child = spawn(binary, [...args], { stdio: ["pipe", "pipe", "pipe"], detached: true });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderr.push(line);
    if (stderr.length > TAIL_LINES) stderr.shift();
    if (process.env.VCSIM_DEBUG) process.stderr.write(`[vcsim] ${line}\n`);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const kill = () => child.kill("SIGKILL");
  signal?.addEventListener("abort", kill, { once: true });
  const ready = await waitForReady(child, () => stderr.join("\n")).finally(() =>
    signal?.removeEventListener("abort", kill),
  );
  if (signal?.aborted) {
    await stopChild(child, exited);
    signal.throwIfAborted();
  }
  // from here on the simulator must not keep the parent's event loop alive
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    if (stream instanceof Socket) stream.unref();
  }
  return { ready, stop: () => stopChild(child, exited) };
}

function waitForReady(child: ChildProcess, tail: () => string): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.kill("SIGKILL");
      reject(new Error(`vcsim launcher ${why}\n${tail()}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before ready (${signal ?? code})`);
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.on("exit", onExit);
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    if (!child.stdout) return fail("has no stdout");
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const parsed = safeJson(line);
      const ready = ReadyLine.safeParse(parsed);
      if (!ready.success) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      lines.close();
      resolve(ready.data);
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
