import type { Readable } from "node:stream";

// what a process prints for a failure: JSON logs at level error, tRPC's unexpected errors, wrangler's own
const ERROR_LINE = /"level":"error"|"msg":"procedure failed"|✘ \[ERROR\]|Uncaught /;
const SAMPLES = 5;

/**
 * Reads a child's output beside whoever else reads it (the local stack's line buffer): counts error
 * lines, keeps the first few, and optionally the last `keep` lines so a stuck job's story can be found.
 */
export class LogTap {
  errorLines = 0;
  readonly samples: string[] = [];
  private readonly lines: string[] = [];
  private rest = "";

  constructor(
    streams: ReadonlyArray<Readable | null>,
    private readonly keep = 0,
  ) {
    for (const stream of streams) stream?.on("data", (chunk: Buffer) => this.take(chunk.toString()));
  }

  /** Kept lines containing `text`, oldest first. */
  grep(text: string, limit = 20): string[] {
    return this.lines.filter((l) => l.includes(text)).slice(-limit);
  }

  private take(text: string): void {
    const lines = (this.rest + text).split("\n");
    this.rest = lines.pop() ?? "";
    for (const line of lines) {
      if (this.keep > 0) {
        this.lines.push(line);
        if (this.lines.length > this.keep) this.lines.shift();
      }
      if (!ERROR_LINE.test(line)) continue;
      this.errorLines += 1;
      if (this.samples.length < SAMPLES) this.samples.push(line.slice(0, 300));
    }
  }
}
