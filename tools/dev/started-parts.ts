interface Part {
  /** "" for a part that needs no line of its own (a timer) */
  name: string;
  stop: () => Promise<void>;
  hurry?: () => void;
}

/**
 * What a start-up has started so far, stopped in reverse order: whatever comes later depends on what came
 * before (agents on the edge and VCSIM, the edge on nothing that outlives it), so each part still has what
 * it needs while it stops. Parts started in a row of the same kind (agents) stop side by side.
 */
export class StartedParts {
  private readonly parts: Part[] = [];
  private readonly hurriers: Array<() => void> = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly progress: (line: string) => void) {}

  add(name: string, stop: () => Promise<void>, hurry?: () => void): void {
    this.parts.push({ name, stop, ...(hurry ? { hurry } : {}) });
    if (hurry) this.hurriers.push(hurry);
  }

  /**
   * Stops every part, last started first (a part added meanwhile too); a part that fails to stop is
   * reported and the rest still stop. Callers during a stop share it.
   */
  stopAll(): Promise<void> {
    this.stopping ??= this.stopInOrder().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  /** Asks the parts that can stop faster (agents) to do so, whether or not they are stopping yet. */
  hurry(): void {
    for (const hurry of this.hurriers) hurry();
  }

  private async stopInOrder(): Promise<void> {
    for (let last = this.parts.pop(); last; last = this.parts.pop()) {
      const batch = [last];
      // agents drain side by side: one long job must not hold the others' stop
      while (last.hurry && this.parts.at(-1)?.hurry) batch.push(this.parts.pop() as Part);
      const names = batch.map((p) => p.name).filter(Boolean);
      if (names.length > 0) this.progress(`Stopping ${names.join(", ")}…`);
      await Promise.all(
        batch.map((p) =>
          p
            .stop()
            .catch((error: unknown) =>
              this.progress(`${p.name || "a part"} failed to stop: ${String(error)}`),
            ),
        ),
      );
    }
  }
}
