import type { Readable } from "node:stream";

// what the edge prints for a failure: logEvent("error"), tRPC's unexpected errors, wrangler's own errors
const ERROR_LINE = /"level":"error"|"msg":"procedure failed"|✘ \[ERROR\]|Uncaught /;
const SAMPLES = 5;

/**
 * Counts error lines in a child's output beside whoever else reads it (the local stack's line buffer),
 * keeping the first few for the report.
 */
export class LogTap {
  errorLines = 0;
  readonly samples: string[] = [];
  private rest = "";

  constructor(streams: ReadonlyArray<Readable | null>) {
    for (const stream of streams) stream?.on("data", (chunk: Buffer) => this.take(chunk.toString()));
  }

  private take(text: string): void {
    const lines = (this.rest + text).split("\n");
    this.rest = lines.pop() ?? "";
    for (const line of lines) {
      if (!ERROR_LINE.test(line)) continue;
      this.errorLines += 1;
      if (this.samples.length < SAMPLES) this.samples.push(line.slice(0, 300));
    }
  }
}
