import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { expect } from "vitest";
import { freePort } from "../free-port.ts";
import { assertPortFree } from "../port-holder.ts";
import { REPO_ROOT } from "../repo-paths.ts";
import { descendantsOf, type ProcessEntry, stillRunning } from "./process-table.ts";

const DEV = path.join(REPO_ROOT, "tools/dev/dev.ts");
const devArgs = (args: readonly string[]) => ["--import", "tsx", DEV, ...args];

// what a crash looks like in the output: a stack frame, an uncaught error, an error-level log line
const CRASH = /^\s+at .+:\d+:\d+\)?$|Uncaught|Unhandled|VsphereFault|"level":"error"/m;

export interface DevRunOptions {
  agents?: number;
  /** Run `npm run dev` under a parent process of its own (which a test can kill), not as our child. */
  underParent?: boolean;
  /** Ports to use instead of free ones (e.g. a taken one). */
  edgePort?: number;
  vcsimPort?: number;
}

/**
 * `npm run dev` (dev.ts) as a terminal runs it: a process group of its own, the foreground job a Ctrl-C
 * is sent to. Keeps its output and, until it exits, every process it ever had under it, so a test can
 * check that none is left afterwards.
 */
export class DevRun {
  readonly lines: string[] = [];
  readonly edgePort: number;
  readonly vcsimPort: number;
  readonly stateDir = mkdtempSync(path.join(tmpdir(), "gantry-dev-run-"));
  readonly startedAt = Date.now();
  /** The process we spawned: dev.ts itself, or the parent it runs under. */
  readonly root: ChildProcess;
  readonly exited: Promise<number | null>;
  private readonly seen = new Map<string, ProcessEntry>();
  private readonly sampler: NodeJS.Timeout;
  private readonly watchers = new Set<() => void>();
  private readonly underParent: boolean;

  private constructor(options: DevRunOptions, ports: { edge: number; vcsim: number }) {
    this.underParent = options.underParent ?? false;
    this.edgePort = ports.edge;
    this.vcsimPort = ports.vcsim;
    const args = devArgs([
      ...["--state-dir", this.stateDir, "--edge-port", String(ports.edge)],
      ...["--vcsim-port", String(ports.vcsim), "--agents", String(options.agents ?? 1), "--no-build-web"],
      // a built release's upload (hundreds of MB) would keep the edge busy while the tests time it
      "--no-publish-release",
    ]);
    // a parent that only runs dev.ts and waits, as an IDE task or a test runner would
    const parent = `require("node:child_process").spawn(process.execPath, ${JSON.stringify(args)}, { stdio: "inherit" }); setInterval(() => {}, 60000);`;
    this.root = spawn(process.execPath, options.underParent ? ["-e", parent] : args, {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    for (const stream of [this.root.stdout, this.root.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        this.lines.push(line);
        if (process.env.GANTRY_TEST_ECHO === "1") process.stdout.write(`[dev] ${line}\n`);
        for (const w of this.watchers) w();
      });
    }
    this.exited = new Promise((resolve) => this.root.on("exit", (code) => resolve(code)));
    this.sampler = setInterval(() => this.sample(), 100);
  }

  static async start(options: DevRunOptions = {}): Promise<DevRun> {
    const ports = {
      edge: options.edgePort ?? (await freePort()),
      vcsim: options.vcsimPort ?? (await freePort()),
    };
    return new DevRun(options, ports);
  }

  get output(): string {
    return this.lines.join("\n");
  }

  /**
   * Resolves once a line matches; fails with the output so far when dev.ts exits or `timeoutMs` passes.
   * The default is generous because CI runs these stacks beside the edge's workerd suite on 2 cores, where a
   * stack start (VCSIM, wrangler, an agent) took over 90 s; the stack's own start deadlines still end dev.ts
   * (and so this wait) early when a part really fails.
   */
  line(pattern: RegExp, timeoutMs = 180_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find((l) => pattern.test(l));
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      this.watchers.add(check);
      void this.exited.then(() => {
        if (!this.watchers.has(check)) return;
        done();
        reject(new Error(`dev.ts exited before printing ${pattern}:\n${this.output}`));
      });
      check();
    });
  }

  /** What a terminal does on Ctrl-C: SIGINT to every process of the foreground group. */
  ctrlC(): void {
    if (this.root.pid !== undefined) process.kill(-this.root.pid, "SIGINT");
  }

  signal(signal: NodeJS.Signals): void {
    this.root.kill(signal);
  }

  /** The processes seen under dev.ts so far whose command line matches. */
  processes(command: RegExp): ProcessEntry[] {
    this.sample();
    return [...this.seen.values()].filter((p) => command.test(p.command) && stillRunning(p));
  }

  /** Every process it ever had under it that still runs: none, once the stack has stopped. */
  leftovers(): ProcessEntry[] {
    this.sample();
    const byState = (p: ProcessEntry) => p.command.includes(this.stateDir);
    return [...this.seen.values()]
      .filter((p) => p.pid !== this.root.pid && stillRunning(p))
      .concat(
        // whatever runs with our state dir on its command line, in case it escaped the sampling
        descendantsOf(1).filter((p) => byState(p) && ![...this.seen.values()].some((s) => s.pid === p.pid)),
      );
  }

  /** The ports it was given plus its agents' health ports, from dev.json once the stack wrote it. */
  ports(): number[] {
    const devJson = path.join(this.stateDir, "dev.json");
    const agents = existsSync(devJson)
      ? (JSON.parse(readFileSync(devJson, "utf8")) as { agents: { healthUrl: string }[] }).agents.map((a) =>
          Number(new URL(a.healthUrl).port),
        )
      : [];
    return [this.edgePort, this.vcsimPort, ...agents];
  }

  /** Kills the parent dev.ts runs under, as an IDE or a runner that dies would go: no signal reaches dev.ts. */
  killParent(): void {
    if (!this.underParent) throw new Error("this dev.ts runs without a parent of its own");
    this.root.kill("SIGKILL");
  }

  /**
   * The outcome every stop must have: dev.ts exits 0 having stopped in order, nothing it started is left
   * within 5 s, every port can be bound again, and no crash trace was printed.
   */
  async expectCleanStop(): Promise<void> {
    this.sample();
    const dev = [...this.seen.values()].find((p) => /tools\/dev\/dev\.ts/.test(p.command));
    const code = await this.exited;
    if (this.underParent) {
      // dev.ts is not our child: it is gone once no process of that pid and start time runs
      if (dev) await expect.poll(() => stillRunning(dev), { timeout: 60_000, interval: 100 }).toBe(false);
    } else if (this.root.signalCode !== null && this.lines.length === 0) {
      // the signal came before node had loaded dev.ts (it listens from its first statement on): it died
      // of it, before it had started anything; what must hold then is checked below
    } else {
      expect(code, this.output).toBe(0);
      expect(this.output).toMatch(/^Stopped/m);
    }
    const ports = this.ports();
    await expect
      .poll(() => this.leftovers().map((p) => p.command), { timeout: 5000, interval: 100 })
      .toEqual([]);
    const busy = async () => {
      const taken: number[] = [];
      for (const port of ports) await assertPortFree(port, "", "").catch(() => taken.push(port));
      return taken;
    };
    await expect.poll(busy, { timeout: 5000, interval: 100 }).toEqual([]);
    expect(this.output).not.toMatch(CRASH);
  }

  /** Stops what is left (after a failed test) and removes the state. */
  async dispose(): Promise<void> {
    clearInterval(this.sampler);
    for (const p of this.leftovers()) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    if (this.root.exitCode === null && this.root.signalCode === null) this.root.kill("SIGKILL");
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private sample(): void {
    if (this.root.pid === undefined) return;
    for (const p of descendantsOf(this.root.pid)) this.seen.set(`${p.pid}:${p.started}`, p);
  }
}
